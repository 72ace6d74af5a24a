import type {
  ArcResult,
  AuthResultValue,
  AuthSummary,
  DkimResult,
  DmarcResult,
  DnsRecord,
  ReceivedAuthResult,
  ReceivedMethodResult,
  SpfResult,
} from "@sandmail/core";

export { AuthResultValues as authResultValues } from "@sandmail/core";
export type {
  ArcResult,
  AuthResultValue,
  DkimResult,
  DmarcResult,
  ReceivedAuthResult,
  ReceivedMethodResult,
  SpfResult,
};

export interface AuthResults extends AuthSummary {
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
