import type { AuthSummary } from "@sandmail/core";
import type { AssertionOf } from "../schemas/assert.js";
import type { AssertContext, Outcome } from "./types.js";

const NOT_CHECKED = "the message has no authentication results (it was not received over SMTP)";

type SingleMethod = "spf" | "dmarc" | "arc";

/** SPF, DMARC and ARC have one result each; `actual` is that result with its domain and reason. */
export function assertSingleAuth(
  a: AssertionOf<"spf"> | AssertionOf<"dmarc"> | AssertionOf<"arc">,
  { msg }: AssertContext,
): Outcome {
  const method: SingleMethod = a.type;
  if (!msg.auth)
    return { pass: false, actual: null, message: `expected ${method}=${a.result}; ${NOT_CHECKED}` };
  const found = (msg.auth as AuthSummary)[method];
  if (!found) {
    return {
      pass: false,
      actual: null,
      message: `expected ${method}=${a.result}; ${method} did not apply to this message`,
    };
  }
  const pass = found.result === a.result;
  const why = found.reason ? ` (${found.reason})` : "";
  return {
    pass,
    actual: found,
    message: pass
      ? `${method}=${found.result}`
      : `expected ${method}=${a.result}; got ${method}=${found.result}${why}`,
  };
}

/** Any signature passes the assertion; domain / selector narrow which signatures count. */
export function assertDkim(a: AssertionOf<"dkim">, { msg }: AssertContext): Outcome {
  const which = [a.domain && `d=${a.domain}`, a.selector && `s=${a.selector}`].filter(Boolean).join(" ");
  const wanted = `dkim=${a.result}${which ? ` for ${which}` : ""}`;
  if (!msg.auth) return { pass: false, actual: null, message: `expected ${wanted}; ${NOT_CHECKED}` };
  const signatures = msg.auth.dkim;
  const domain = a.domain?.toLowerCase().replace(/\.$/, "");
  const selector = a.selector?.toLowerCase();
  const candidates = signatures.filter(
    (s) =>
      (domain === undefined || s.domain.toLowerCase() === domain) &&
      (selector === undefined || s.selector.toLowerCase() === selector),
  );
  const hit = candidates.find((s) => s.result === a.result);
  const actual = signatures.map((s) => ({
    result: s.result,
    domain: s.domain,
    selector: s.selector,
    ...(s.algorithm !== undefined ? { algorithm: s.algorithm } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
  }));
  if (hit) return { pass: true, actual, message: `${wanted}: d=${hit.domain} s=${hit.selector}` };
  const seen =
    signatures.length === 0
      ? "the message has no DKIM signature"
      : `signatures: ${signatures.map((s) => `d=${s.domain} s=${s.selector} ${s.result}${s.reason ? ` (${s.reason})` : ""}`).join("; ")}`;
  return { pass: false, actual, message: `expected ${wanted}; ${seen}` };
}
