import { commentOf } from "./normalize.js";
import type { AuthResultValue } from "./types.js";

/** The parts of mailauth's DMARC answer read here. */
export interface MailauthDmarc {
  error?: string;
  status: { result?: unknown; comment?: unknown };
  alignment?: {
    dkim?: { result?: unknown; strict?: unknown };
    spf?: { result?: unknown; strict?: unknown };
  };
}

export interface Alignment {
  /** The passing DKIM domain that aligns with the From domain, if any. */
  dkim?: string;
  /** The passing SPF domain that aligns with the From domain, if any. */
  spf?: string;
}

const asDomain = (value: unknown) => (typeof value === "string" && value ? value.toLowerCase() : undefined);

/**
 * Which passing domains align with the From domain. mailauth 4.13.3 decides relaxed alignment
 * correctly but never enforces strict (adkim=s / aspf=s): it passes an options object where a
 * boolean is expected and falls through to relaxed matching. Strict alignment is an exact match
 * of the domains (RFC 7489 3.1), decided here.
 */
export function alignmentOf(
  value: MailauthDmarc,
  fromDomain: string,
  passing: { dkim: readonly string[]; spf: readonly string[] },
): Alignment {
  const exact = (domains: readonly string[]) => domains.find((d) => d.toLowerCase() === fromDomain);
  const aligned: Alignment = {};
  const dkim =
    value.alignment?.dkim?.strict === true ? exact(passing.dkim) : asDomain(value.alignment?.dkim?.result);
  const spf =
    value.alignment?.spf?.strict === true ? exact(passing.spf) : asDomain(value.alignment?.spf?.result);
  if (dkim) aligned.dkim = dkim.toLowerCase();
  if (spf) aligned.spf = spf.toLowerCase();
  return aligned;
}

/**
 * pass or fail from the alignment, for a policy that was found; other results stand. A fail is
 * only final when no underlying check had a temporary error that might have turned into an
 * aligned pass: otherwise it is temperror.
 */
export function dmarcOutcome(
  result: AuthResultValue,
  aligned: Alignment,
  underlyingTemperror: boolean,
): AuthResultValue {
  if (result !== "pass" && result !== "fail") return result;
  if (aligned.dkim || aligned.spf) return "pass";
  return underlyingTemperror ? "temperror" : "fail";
}

export function dmarcReason(
  result: AuthResultValue,
  fromDomain: string,
  value: MailauthDmarc,
  aligned: Alignment,
): string | undefined {
  const policy = commentOf(value.status);
  const matched = (["dkim", "spf"] as const).filter((m) => aligned[m]).map((m) => `${m}=${aligned[m]}`);
  switch (result) {
    case "none":
      return `no DMARC record for ${fromDomain}`;
    case "pass":
      return [`aligned ${matched.join(" ")}`, policy].filter(Boolean).join("; ");
    case "fail":
      return [`neither DKIM nor SPF passed aligned with ${fromDomain}`, policy].filter(Boolean).join("; ");
    case "temperror":
      return value.error ?? `no aligned pass, and SPF or DKIM had a temporary error; ${policy ?? ""}`.trim();
    default:
      return value.error ?? policy;
  }
}
