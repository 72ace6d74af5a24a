import type { AuthSummary } from "./auth-results.js";
import type { StoreEvent } from "./events.js";

/**
 * Domain types shared by every package and service. The store persists these shapes; the API
 * and the SDK expose views derived from them.
 */

export interface RunLimits {
  /** Maximum number of messages the run may hold; further deliveries are refused (SMTP 452). */
  maxMessages: number;
  /** Maximum total raw bytes the run may hold. */
  maxBytes: number;
}

export interface Run {
  /** Short lowercase DNS label: it is part of the run's mail domain (`<id>.<SANDMAIL_DOMAIN>`). */
  id: string;
  /** Secret bearer token; compare with `tokensEqual`, never with `===`. */
  token: string;
  label?: string;
  createdAt: Date;
  expiresAt: Date;
  limits: RunLimits;
}

export interface RunCounts {
  messages: number;
  bytes: number;
  inboxes: number;
}

/** IMAP system flags, spelled as RFC 3501 spells them. Any other string is a keyword. */
export const SystemFlags = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"] as const;
export type SystemFlag = (typeof SystemFlags)[number];

export type SpecialUse = "\\Sent" | "\\Drafts" | "\\Trash" | "\\Junk" | "\\Archive";

/** Folders every inbox address has from its first delivery on. */
export const DefaultFolders: ReadonlyArray<{ name: string; specialUse?: SpecialUse }> = [
  { name: "INBOX" },
  { name: "Sent", specialUse: "\\Sent" },
  { name: "Drafts", specialUse: "\\Drafts" },
  { name: "Trash", specialUse: "\\Trash" },
  { name: "Junk", specialUse: "\\Junk" },
  { name: "Archive", specialUse: "\\Archive" },
];

/** One IMAP mailbox (folder) of one inbox address within a run. */
export interface Mailbox {
  /** Unique within the run; stable while the mailbox exists, never reused. */
  id: string;
  /** The inbox address (lowercased) that owns the folder; the IMAP login user. */
  address: string;
  /** Folder name, `/`-separated hierarchy, stored decoded (UTF-8). INBOX is always `INBOX`. */
  name: string;
  specialUse?: SpecialUse;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  /** Highest modification sequence of any change in this mailbox (CONDSTORE HIGHESTMODSEQ). */
  highestModSeq: number;
  /** Number of messages currently in the mailbox. */
  messages: number;
  /** Number of messages without \Seen. */
  unseen: number;
}

/** What the SMTP transaction said, kept beside the message. */
export interface Envelope {
  mailFrom: string;
  rcptTo: string[];
  clientAddress: string;
  helo: string;
  tls: boolean;
  /** Authenticated SMTP user (the run id) when the client used AUTH. */
  authUser?: string;
}

export interface AddressValue {
  name: string;
  address: string;
}

/** Header-derived summary, computed once at ingest from the stored bytes. */
export interface MessageSummary {
  subject: string;
  from: AddressValue[];
  to: AddressValue[];
  cc: AddressValue[];
  /** The Date header as a timestamp, when it parses. */
  date?: Date;
  messageId?: string;
}

/** A MIME part located in the stored raw bytes (offsets are byte offsets, end exclusive). */
export interface MimeNode {
  /**
   * IMAP part number ("" for the root, "1", "1.2", ...). A single-part message has no child: its
   * IMAP part 1 is the node itself. Resolve section numbers with findPart from @sandmail/mime,
   * whose indexMessage doc comment gives the full mapping (message/rfc822 included).
   */
  part: string;
  headerStart: number;
  /** End of the header block including the blank line that ends it. */
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
  /** Lowercased type/subtype, e.g. "text/plain". */
  contentType: string;
  /** Content-Type parameters, names lowercased, values decoded (RFC 2231). */
  params: Record<string, string>;
  encoding: string;
  contentId?: string;
  description?: string;
  disposition?: string;
  dispositionParams?: Record<string, string>;
  language?: string;
  location?: string;
  md5?: string;
  /** Number of lines in the body (text/* and message/rfc822 parts). */
  lines: number;
  children: MimeNode[];
  /** For message/rfc822: the encapsulated message's root node. */
  message?: MimeNode;
}

export interface StoredMessage {
  /** Opaque id, unique within the run, stable across flag changes and moves. */
  id: string;
  runId: string;
  /** Run-wide sequence number assigned on arrival: the cursor that makes waits deterministic. */
  seq: number;
  mailboxId: string;
  /** Inbox address owning the mailbox. */
  address: string;
  /** Folder name of the mailbox. */
  mailbox: string;
  uid: number;
  flags: string[];
  modSeq: number;
  /** IMAP INTERNALDATE: when the message was received or appended. */
  internalDate: Date;
  /** Exact byte length of the stored raw message (RFC822.SIZE). */
  size: number;
  /** SMTP envelope; absent for messages created by IMAP APPEND or the API. */
  envelope?: Envelope;
  summary: MessageSummary;
  mime: MimeNode;
  auth?: AuthSummary;
}

/** What is derived from the raw bytes at ingest, stored with the message. */
export interface MessageMeta {
  summary: MessageSummary;
  mime: MimeNode;
  /** Results of the authentication checks made at SMTP ingest; absent for APPENDed mail. */
  auth?: AuthSummary;
}

export type StoreEventType = StoreEvent["type"];

/** A DNS record a run's authentication checks resolve against (see PUT /v1/runs/{run}/dns). */
export interface DnsRecord {
  /** Fully qualified name, lowercased, without the trailing dot. */
  name: string;
  type: "TXT" | "A" | "AAAA" | "MX" | "CNAME" | "PTR";
  /** Values; a TXT value is one string (chunks already joined). */
  values: string[];
}
