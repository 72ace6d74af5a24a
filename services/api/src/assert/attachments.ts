import { compileMatcher } from "@sandmail/matcher";
import type { AssertionOf } from "../schemas/assert.js";
import type { AssertContext, Outcome } from "./types.js";

function baseType(contentType: string): string {
  return contentType.split(";")[0]?.trim().toLowerCase() ?? "";
}

export function assertAttachment(a: AssertionOf<"attachment">, { parsed }: AssertContext): Outcome {
  const named =
    a.filename !== undefined
      ? (name: string | undefined) => name === a.filename
      : (() => {
          const matcher = compileMatcher({ matches: a.matches });
          return (name: string | undefined) => name !== undefined && matcher.test(name);
        })();
  const wantType = a.contentType === undefined ? undefined : baseType(a.contentType);
  const actual = parsed.attachments.map((att) => ({
    filename: att.filename ?? null,
    contentType: att.contentType,
    size: att.size,
  }));
  const hit = parsed.attachments.find(
    (att) => named(att.filename) && (wantType === undefined || baseType(att.contentType) === wantType),
  );
  const wanted = `an attachment ${a.filename !== undefined ? `named ${JSON.stringify(a.filename)}` : `with a name matching ${a.matches}`}${wantType ? ` of type ${wantType}` : ""}`;
  if (hit) return { pass: true, actual, message: `${wanted}: found` };
  const seen =
    actual.length === 0
      ? "the message has no attachments"
      : `attachments: ${actual.map((x) => `${x.filename === null ? "(no name)" : JSON.stringify(x.filename)} (${x.contentType})`).join(", ")}`;
  return { pass: false, actual, message: `expected ${wanted}; ${seen}` };
}
