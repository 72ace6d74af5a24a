/**
 * The API's JSON shapes as the SDK receives them. They are declared here rather than imported from
 * @sandmail/core because the published package may not depend on unpublished workspace packages,
 * and because the wire differs from the domain anyway (timestamps are ISO strings, views are
 * flattened). test/core-types.check.ts makes `pnpm typecheck` fail when core's types drift away
 * from these.
 */

export interface Address {
  /** Display name, decoded; empty when there is none. */
  name: string;
  address: string;
}

export interface RunLimits {
  maxMessages: number;
  maxBytes: number;
}

export interface SmtpSettingsData {
  host: string;
  /** Plain SMTP port; STARTTLS is offered. */
  port: number;
  /** Implicit-TLS SMTP port. */
  tlsPort: number;
  /** SMTP AUTH user: the run id. */
  username: string;
  /** SMTP AUTH password: the run token. */
  password: string;
}

export interface ImapSettings {
  host: string;
  port?: number;
  tlsPort?: number;
  /** The IMAP login user is an inbox address of the run, e.g. `<inbox>@k3x9q2m7za.sandmail.test`. */
  usernameHint: string;
  password: string;
}

/** POST /v1/runs answer. */
export interface CreatedRunData {
  id: string;
  token: string;
  domain: string;
  label?: string;
  createdAt: string;
  expiresAt: string;
  limits: RunLimits;
  smtp: SmtpSettingsData;
  imap?: ImapSettings;
  /** The run's page in the web UI, token in the URL fragment; when the server serves the UI. */
  uiUrl?: string;
}

/** GET /v1/runs/{run} answer. */
export interface RunInfo {
  id: string;
  domain: string;
  label?: string;
  createdAt: string;
  expiresAt: string;
  limits: RunLimits;
  counts: { messages: number; bytes: number; inboxes: number };
}

export interface Inbox {
  address: string;
  messages: number;
  unseen: number;
}

export interface MessageSummaryData {
  id: string;
  /** Run-wide arrival sequence number; larger is newer. */
  seq: number;
  /** The inbox address holding the message. */
  inbox: string;
  /** The folder holding the message (INBOX, Trash, ...). */
  mailbox: string;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  /** The Date header (ISO 8601), when it parses. */
  date?: string;
  /** When the message was received (ISO 8601). */
  receivedAt: string;
  size: number;
  seen: boolean;
  flagged: boolean;
  flags: string[];
}

/** What the SMTP transaction said. */
export interface Envelope {
  mailFrom: string;
  /** Every RCPT TO of the transaction, so BCC recipients show here. */
  rcptTo: string[];
  clientAddress: string;
  helo: string;
  tls: boolean;
  authUser?: string;
}

export interface Header {
  name: string;
  value: string;
}

export interface AttachmentInfo {
  /** Pass to `message.attachment(index)`. */
  index: number;
  filename?: string;
  contentType: string;
  size: number;
  contentId?: string;
  disposition: "attachment" | "inline";
}

export type LinkSource = "html" | "text";

export interface Link {
  url: string;
  /** Anchor text (or image alt text) of the first HTML link with this URL. */
  text?: string;
  sources: LinkSource[];
}

export type CodeSource = "subject" | "text" | "html";

export interface Code {
  /** The code as it should be typed (digit-group separators removed). */
  value: string;
  /** The code exactly as written. */
  raw: string;
  source: CodeSource;
  sources: CodeSource[];
  /** Text around the code. */
  context: string;
  /** 0..1; codes are sorted by it, most likely first. */
  score: number;
}

/** RFC 8601 result values. */
export type AuthResultValue =
  | "pass"
  | "fail"
  | "softfail"
  | "neutral"
  | "none"
  | "temperror"
  | "permerror"
  | "policy";

export interface SpfResult {
  result: AuthResultValue;
  domain?: string;
  reason?: string;
}

export interface DkimResult {
  result: AuthResultValue;
  domain: string;
  selector: string;
  algorithm?: string;
  aligned?: boolean;
  reason?: string;
}

export interface DmarcResult {
  result: AuthResultValue;
  domain?: string;
  policy?: string;
  reason?: string;
}

export interface ArcResult {
  result: AuthResultValue;
  instance?: number;
  reason?: string;
}

export interface ReceivedMethodResult {
  method: string;
  methodVersion?: number;
  result: string;
  reason?: string;
  comment?: string;
  properties: Record<string, string>;
}

export interface ReceivedAuthResult {
  authservId: string;
  version?: number;
  results: ReceivedMethodResult[];
  raw: string;
}

/** SPF, DKIM, DMARC and ARC as checked when the message arrived over SMTP. */
export interface AuthResults {
  spf: SpfResult | null;
  dkim: DkimResult[];
  dmarc: DmarcResult | null;
  arc: ArcResult | null;
  /** Authentication-Results headers the message already carried, most recent first. */
  received: ReceivedAuthResult[];
}

/** GET /v1/runs/{run}/messages/{id} answer. */
export interface MessageData extends MessageSummaryData {
  uid: number;
  envelope?: Envelope;
  bcc: Address[];
  replyTo: Address[];
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  headers: Header[];
  text?: string;
  html?: string;
  attachments: AttachmentInfo[];
  links: Link[];
  codes: Code[];
  /** null for mail that did not arrive over SMTP (IMAP APPEND). */
  auth: AuthResults | null;
  parseError?: string;
}

export type DnsRecordType = "TXT" | "A" | "AAAA" | "MX" | "CNAME" | "PTR";

export interface DnsRecord {
  /** Owner name, e.g. `s1._domainkey.shop.example`. */
  name: string;
  type: DnsRecordType;
  /** A TXT value is one whole string (no 255-character chunks). */
  values: string[];
}

export interface PatternMatch {
  match: string;
  /** Capture groups 1..n; null when a group did not take part. */
  groups: Array<string | null>;
  namedGroups?: Record<string, string | null>;
  source: CodeSource;
  index: number;
}
