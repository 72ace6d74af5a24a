import type { AssertionInput } from "../schemas/assert.js";
import { assertFrom, assertRecipient, assertTo } from "./addresses.js";
import { assertAttachment } from "./attachments.js";
import { assertDkim, assertSingleAuth } from "./auth.js";
import { assertHtml, assertLinks, assertSpam } from "./checks.js";
import { assertCode } from "./codes.js";
import { assertHeader, assertSubject } from "./headers.js";
import { assertLink } from "./links.js";
import type { AssertContext, Outcome } from "./types.js";

function evaluate(a: AssertionInput, ctx: AssertContext): Outcome {
  switch (a.type) {
    case "header":
      return assertHeader(a, ctx);
    case "subject":
      return assertSubject(a, ctx);
    case "from":
      return assertFrom(a, ctx);
    case "to":
      return assertTo(a, ctx);
    case "recipient":
      return assertRecipient(a, ctx);
    case "spf":
    case "dmarc":
    case "arc":
      return assertSingleAuth(a, ctx);
    case "dkim":
      return assertDkim(a, ctx);
    case "link":
      return assertLink(a, ctx);
    case "code":
      return assertCode(a, ctx);
    case "attachment":
      return assertAttachment(a, ctx);
    case "html":
      return assertHtml(a, ctx);
    case "links":
      return assertLinks(a, ctx);
    case "spam":
      return assertSpam(a, ctx);
  }
}

/** Every assertion, in order; the verdict passes only when all do. */
export function evaluateAll(assertions: readonly AssertionInput[], ctx: AssertContext) {
  const results = assertions.map((assertion) => ({ assertion, ...evaluate(assertion, ctx) }));
  return { pass: results.every((r) => r.pass), results };
}
