/**
 * The assertions `message.assert([...])` sends to POST .../messages/{id}/assert, checked on the
 * server against the stored message. String comparisons take exactly one of `equals`, `contains`
 * or `matches` (a regular expression: a RegExp here, sent as `/source/flags`).
 */
import type { AuthResultValue } from "./types.js";

export type TextComparison =
  | { equals: string; ignoreCase?: boolean }
  | { contains: string; ignoreCase?: boolean }
  | { matches: RegExp | string };

export type Assertion =
  /** A top-level header exists (or, with `exists: false`, does not), or some occurrence compares. */
  | ({ type: "header"; name: string } & ({ exists: boolean } | TextComparison))
  | ({ type: "subject" } & TextComparison)
  /** Some From address: `equals` compares the address, `contains` / `matches` look at `Name <address>`. */
  | ({ type: "from" } & TextComparison)
  /** Some To header address; for envelope recipients (BCC) use `recipient`. */
  | ({ type: "to" } & TextComparison)
  /** The SMTP envelope named this recipient (RCPT TO), so BCC can be asserted. */
  | { type: "recipient"; address: string }
  | { type: "spf"; result: AuthResultValue }
  /** Some DKIM signature (of this domain / selector, when given) has this result. */
  | { type: "dkim"; result: AuthResultValue; domain?: string; selector?: string }
  | { type: "dmarc"; result: AuthResultValue }
  | { type: "arc"; result: AuthResultValue }
  /** Some extracted link's URL compares. */
  | ({ type: "link" } & TextComparison)
  /** A one-time code was found (this one, when `value` is given). */
  | { type: "code"; value?: string }
  /** Some attachment has this filename (or one matching), and this content type when given. */
  | ({ type: "attachment"; contentType?: string } & ({ filename: string } | { matches: RegExp | string }))
  /** The HTML check finds at most `maxWarnings` (default 0) warnings for these clients. */
  | { type: "html"; clients?: string[]; maxWarnings?: number }
  /** Every extracted link (and image, with `images`) answers below 400 with no error. */
  | { type: "links"; allOk: true; images?: boolean }
  /** The configured spam engine scores the message at most `maxScore`. */
  | { type: "spam"; maxScore: number };

export interface AssertionResult {
  /** The assertion as the server read it (a RegExp appears as its `/source/flags` string). */
  assertion: Record<string, unknown>;
  pass: boolean;
  /** What the message had instead (or what satisfied the assertion). */
  actual: unknown;
  /** One line for a CI log. */
  message: string;
}

export interface AssertReport {
  pass: boolean;
  results: AssertionResult[];
}

/** RegExp values become the `/source/flags` strings the server reads. */
export function assertionJson(assertion: Assertion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(assertion)) {
    out[key] = value instanceof RegExp ? `/${value.source}/${value.flags.replace(/[gy]/g, "")}` : value;
  }
  return out;
}
