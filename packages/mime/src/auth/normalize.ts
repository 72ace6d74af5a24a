import { parseTagList } from "./header-fields.js";
import { type AuthResultValue, authResultValues, type DkimResult } from "./types.js";

/*
 * mailauth's result objects, reduced to the fields read here. Its .d.ts does not match what it
 * returns in places (`algo`, not `algorithm`; `aligned` is a domain or false), so they are read
 * as loose data.
 */
interface MailauthStatus {
  result?: unknown;
  comment?: unknown;
  aligned?: unknown;
  header?: { b?: unknown };
}

export interface MailauthDkimRow {
  signingDomain?: string;
  selector?: string;
  signature?: string;
  algo?: string;
  status?: MailauthStatus;
}

const known = new Set<string>(authResultValues);

export function toResultValue(value: unknown): AuthResultValue {
  const text = String(value ?? "").toLowerCase();
  if (text === "temperr") return "temperror";
  if (text === "skipped") return "none";
  return known.has(text) ? (text as AuthResultValue) : "neutral";
}

export function commentOf(status: MailauthStatus | undefined): string | undefined {
  return typeof status?.comment === "string" && status.comment ? status.comment : undefined;
}

/** A DKIM-Signature header as found in the message, before verification. */
export interface SignatureHeader {
  domain: string;
  selector: string;
  algorithm?: string;
  /** b= with whitespace removed: what identifies the signature. */
  b: string;
}

export function readSignatureHeaders(values: readonly string[]): SignatureHeader[] {
  return values.map((value) => {
    const tags = parseTagList(value);
    const sig: SignatureHeader = { domain: tags["d"] ?? "", selector: tags["s"] ?? "", b: tags["b"] ?? "" };
    if (tags["a"]) sig.algorithm = tags["a"];
    return sig;
  });
}

export interface DkimOutcome {
  results: DkimResult[];
  /** The first characters of each signature's b=, for header.b. */
  prefixes: (string | undefined)[];
}

function fromRow(row: MailauthDkimRow): DkimResult {
  let result = toResultValue(row.status?.result);
  const reason = commentOf(row.status);
  // RFC 6376 6.1.3: a body hash mismatch is PERMFAIL, i.e. dkim=fail (mailauth says neutral).
  if (result === "neutral" && reason === "body hash did not verify") result = "fail";
  const entry: DkimResult = {
    result,
    domain: (row.signingDomain ?? "").toLowerCase(),
    selector: row.selector ?? "",
    aligned: Boolean(row.status?.aligned),
  };
  if (row.algo) entry.algorithm = row.algo;
  if (reason) entry.reason = reason;
  return entry;
}

/**
 * One result per DKIM-Signature header, in header order. mailauth silently drops signatures it
 * cannot process (unknown algorithm, missing d= or s=); those are reported here as permerror.
 */
export function dkimOutcome(signatures: SignatureHeader[], rows: readonly MailauthDkimRow[]): DkimOutcome {
  const pending = rows.filter((r) => r.signingDomain);
  const results: DkimResult[] = [];
  const prefixes: (string | undefined)[] = [];
  for (const sig of signatures) {
    const at = pending.findIndex((r) => (r.signature ?? "") === sig.b);
    const row = at >= 0 ? pending.splice(at, 1)[0] : undefined;
    prefixes.push(sig.b ? sig.b.slice(0, 8) : undefined);
    if (row) {
      results.push(fromRow(row));
      continue;
    }
    const entry: DkimResult = {
      result: "permerror",
      domain: sig.domain.toLowerCase(),
      selector: sig.selector,
      reason: "signature could not be processed (malformed or unsupported algorithm/canonicalization)",
    };
    if (sig.algorithm) entry.algorithm = sig.algorithm;
    results.push(entry);
  }
  return { results, prefixes };
}

/** Every signature with one result, when verification did not finish (in time, or at all). */
export function dkimUnverified(
  signatures: SignatureHeader[],
  result: AuthResultValue,
  reason: string,
): DkimOutcome {
  return {
    results: signatures.map((sig) => {
      const entry: DkimResult = {
        result,
        domain: sig.domain.toLowerCase(),
        selector: sig.selector,
        reason,
      };
      if (sig.algorithm) entry.algorithm = sig.algorithm;
      return entry;
    }),
    prefixes: signatures.map((sig) => (sig.b ? sig.b.slice(0, 8) : undefined)),
  };
}
