import type { AddressValue } from "@sandmail/core";
import { compileMatcher } from "@sandmail/matcher";
import type { AssertionOf } from "../schemas/assert.js";
import { listed, quoted } from "./listing.js";
import type { AssertContext, Outcome } from "./types.js";

function display(a: AddressValue): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/**
 * `equals` means the address (mail addresses are compared without regard to case, as users expect);
 * `contains` and `matches` see `Name <address>`, so a display name can be checked too.
 */
function assertAddresses(
  field: "From" | "To",
  a: AssertionOf<"from"> | AssertionOf<"to">,
  addresses: readonly AddressValue[],
): Outcome {
  const shown = addresses.map(display);
  const matcher = compileMatcher(a, { caseless: true });
  const hit =
    matcher.kind === "equals"
      ? addresses.find((x) => matcher.test(x.address))
      : addresses.find((x) => matcher.test(display(x)));
  const wanted = `a ${field} address that ${matcher.describe()}`;
  return hit
    ? { pass: true, actual: listed(shown), message: `${wanted}: found ${JSON.stringify(display(hit))}` }
    : { pass: false, actual: listed(shown), message: `expected ${wanted}; ${field} is ${quoted(shown)}` };
}

export function assertFrom(a: AssertionOf<"from">, { parsed }: AssertContext): Outcome {
  return assertAddresses("From", a, parsed.from);
}

export function assertTo(a: AssertionOf<"to">, { parsed }: AssertContext): Outcome {
  return assertAddresses("To", a, parsed.to);
}

/** The SMTP envelope, not the headers: this is how BCC recipients show. */
export function assertRecipient(a: AssertionOf<"recipient">, { msg }: AssertContext): Outcome {
  if (!msg.envelope) {
    return {
      pass: false,
      actual: null,
      message: `expected recipient ${a.address}; the message has no SMTP envelope (it was not received over SMTP)`,
    };
  }
  const rcpts = msg.envelope.rcptTo;
  const want = a.address.toLowerCase();
  const pass = rcpts.some((r) => r.toLowerCase() === want);
  return {
    pass,
    actual: listed(rcpts),
    message: pass
      ? `RCPT TO included ${a.address}`
      : `expected RCPT TO to include ${a.address}; it was ${quoted(rcpts)}`,
  };
}
