import { compileMatcher } from "@sandmail/matcher";
import type { AssertionOf } from "../schemas/assert.js";
import { listed, quoted } from "./listing.js";
import type { AssertContext, Outcome } from "./types.js";

/** Header assertions look at every occurrence: mail often carries several Received or DKIM-Signature fields. */
export function assertHeader(a: AssertionOf<"header">, { parsed }: AssertContext): Outcome {
  const name = a.name.toLowerCase();
  const values = parsed.headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const actual = listed(values);
  if (a.exists !== undefined) {
    const pass = values.length > 0 === a.exists;
    const state = values.length > 0 ? `present (${quoted(values)})` : "absent";
    return {
      pass,
      actual,
      message: `header ${a.name} is ${state}, expected it ${a.exists ? "present" : "absent"}`,
    };
  }
  const matcher = compileMatcher(a);
  const hit = values.find((v) => matcher.test(v));
  const wanted = `header ${a.name} ${matcher.describe()}`;
  if (hit !== undefined) return { pass: true, actual, message: `${wanted}: found ${JSON.stringify(hit)}` };
  const found = values.length === 0 ? "the header is absent" : `found ${quoted(values)}`;
  return { pass: false, actual, message: `expected ${wanted}; ${found}` };
}

export function assertSubject(a: AssertionOf<"subject">, { parsed }: AssertContext): Outcome {
  const subject = parsed.subject;
  const matcher = compileMatcher(a);
  const pass = matcher.test(subject);
  return {
    pass,
    actual: subject,
    message: `subject ${matcher.describe()}: ${pass ? "yes" : "no"}, it is ${JSON.stringify(subject)}`,
  };
}
