import type { DnsRecord } from "@sandmail/core";

/**
 * The shape of authentication results as sandmail reports them: plain data, so it can be stored
 * with the message, returned by the API and asserted on by the SDK unchanged.
 */

/** RFC 8601 result values sandmail reports for SPF, DKIM, DMARC and ARC. */
export type AuthResultValue =
  | "pass"
  | "fail"
  | "softfail"
  | "neutral"
  | "none"
  | "temperror"
  | "permerror"
  | "policy";

export const authResultValues: readonly AuthResultValue[] = [
  "pass",
  "fail",
  "softfail",
  "neutral",
  "none",
  "temperror",
  "permerror",
  "policy",
];

/** SPF for the envelope sender (MAIL FROM, or postmaster@HELO for a null sender) and client IP. */
export interface SpfResult {
  result: AuthResultValue;
  /** The domain whose SPF policy was checked. */
  domain?: string;
  reason?: string;
}

/** One DKIM-Signature header and its verification. */
export interface DkimResult {
  result: AuthResultValue;
  /** The signing domain (d=). */
  domain: string;
  /** The selector (s=). */
  selector: string;
  /** The signature algorithm (a=), e.g. rsa-sha256 or ed25519-sha256. */
  algorithm?: string;
  /** Whether d= aligns (relaxed) with the From header domain. */
  aligned?: boolean;
  reason?: string;
}

export interface DmarcResult {
  result: AuthResultValue;
  /** The RFC 5322 From domain the policy applies to. */
  domain?: string;
  /** The policy the record asks receivers to apply (none, quarantine, reject). */
  policy?: string;
  reason?: string;
}

export interface ArcResult {
  result: AuthResultValue;
  /** The highest ARC instance (i=) in the chain. */
  instance?: number;
  reason?: string;
}

/** One result inside an Authentication-Results header, e.g. `spf=pass smtp.mailfrom=a@b.example`. */
export interface ReceivedMethodResult {
  /** Lowercased method name: spf, dkim, dmarc, arc, iprev, auth, ... */
  method: string;
  /** The method version (`dkim/1`), when given. */
  methodVersion?: number;
  /** Lowercased result as written (usually an AuthResultValue, but other ADMDs may use others). */
  result: string;
  /** The `reason=` value. */
  reason?: string;
  /** Comments attached to the result, joined by a space. */
  comment?: string;
  /** Properties keyed by `ptype.property`, lowercased (`smtp.mailfrom`, `header.d`, ...). */
  properties: Record<string, string>;
}

/** One Authentication-Results header the message already carried when it arrived. */
export interface ReceivedAuthResult {
  /** Who wrote it (the authserv-id). */
  authservId: string;
  version?: number;
  /** Empty when the header says `none`. */
  results: ReceivedMethodResult[];
  /** The header value as received (unfolded). */
  raw: string;
}

export interface AuthResults {
  /** null when the check could not apply (no valid client IP). */
  spf: SpfResult | null;
  /** One entry per DKIM-Signature header; empty when the message is unsigned. */
  dkim: DkimResult[];
  /** null when the message has no single From address to align against. */
  dmarc: DmarcResult | null;
  arc: ArcResult | null;
  /** Authentication-Results headers the message carried, topmost (most recent) first. */
  received: ReceivedAuthResult[];
  /** The Authentication-Results header sandmail adds, name included, folded, ending in CRLF. */
  header: string;
}

/** An MX answer, as dns.promises.resolve(name, "MX") returns it. */
export interface MxAnswer {
  exchange: string;
  priority: number;
}

/** What a lookup returns: TXT as chunk lists, MX as objects, everything else as strings. */
export type DnsAnswer = string[][] | MxAnswer[] | string[];

/**
 * A DNS lookup with the signature mailauth expects. Failures are errors whose `code` is the one
 * dns.promises uses (ENOTFOUND, ENODATA, ETIMEOUT, ...).
 */
export type Resolver = (name: string, rrtype: string) => Promise<DnsAnswer>;

/** Where names a run did not set are looked up; off unless configured. */
export interface DnsFallback {
  resolve: Resolver;
  /** Per-lookup bound in ms (default 500). */
  timeoutMs?: number;
}

export interface AuthContext {
  /** The SMTP client's address. */
  ip: string;
  /** The EHLO/HELO name. */
  helo: string;
  /** The envelope sender; empty for a null sender (`MAIL FROM:<>`). */
  mailFrom: string;
  /** The receiving MTA's name: the authserv-id of the header sandmail writes. */
  mta: string;
  /** The run's DNS records. */
  records: readonly DnsRecord[];
  fallback?: DnsFallback;
  /** Bound on the whole check in ms (default 2000); past it, pending checks say temperror. */
  timeoutMs?: number;
}
