import type { AssertionOf } from "../schemas/assert.js";
import { listed, quoted } from "./listing.js";
import type { AssertContext, Outcome } from "./types.js";

/** Against the extracted one-time codes, most likely first, as the message view lists them. */
export function assertCode(a: AssertionOf<"code">, { content }: AssertContext): Outcome {
  const values = content.codes.map((c) => c.value);
  const actual = listed(values);
  if (a.value === undefined) {
    return values.length > 0
      ? { pass: true, actual, message: `found code ${values[0]}` }
      : { pass: false, actual, message: "expected a one-time code; none found" };
  }
  const pass = values.includes(a.value);
  return {
    pass,
    actual,
    message: pass ? `found code ${a.value}` : `expected code ${a.value}; codes found: ${quoted(values)}`,
  };
}
