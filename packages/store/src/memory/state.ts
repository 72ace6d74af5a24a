import type {
  ByteBudget,
  DnsRecord,
  Envelope,
  MessageMeta,
  MimeNode,
  Run,
  SpecialUse,
  StoreEvent,
} from "@sandmail/core";
import type { StoreListener } from "../contract.js";
import type { UidColumns } from "../shared/uid-columns.js";
import type { ExpungeLog } from "./expunge-log.js";
import type { FaultsRecord } from "./faults.js";
import type { RawSlabs } from "./raw-slabs.js";
import type { ScanColumns } from "./scan-columns.js";
import type { SessionRing } from "./sessions.js";
import type { WebhookRecord } from "./webhooks.js";

/** One stored message: the raw bytes plus compact bookkeeping; views are built on read. */
export interface MessageRecord {
  id: string;
  seq: number;
  mailbox: MailboxRecord;
  uid: number;
  flags: string[];
  modSeq: number;
  internalDate: number;
  raw: Buffer;
  envelope: Envelope | undefined;
  /** `mime` stays undefined until first read when the message came with `indexMime`. */
  meta: KeptMeta;
  /** Builds `meta.mime` from `raw` on first read; dropped once it has. */
  indexMime: ((raw: Buffer) => MimeNode) | undefined;
}

export type KeptMeta = Omit<MessageMeta, "mime"> & { mime: MimeNode | undefined };

/** The message's MIME tree, built now (once) if it was left for its first read. */
export function mimeOf(m: MessageRecord): MimeNode {
  let mime = m.meta.mime;
  if (mime === undefined) {
    mime = (m.indexMime as (raw: Buffer) => MimeNode)(m.raw);
    // A copy shares the meta object, so it is indexed too.
    m.meta.mime = mime;
    m.indexMime = undefined;
  }
  return mime;
}

export interface MailboxRecord {
  id: string;
  address: string;
  name: string;
  specialUse: SpecialUse | undefined;
  uidValidity: number;
  uidNext: number;
  highestModSeq: number;
  unseen: number;
  /** Highest UID some session has already seen as \Recent. */
  recentClaimed: number;
  /** UIDs ascending, with each message's id, flags and modSeq (the record's, kept in step). */
  index: UidColumns;
  /** UIDs that left the mailbox, with their modSeq (QRESYNC). */
  expunged: ExpungeLog;
}

export interface InboxRecord {
  address: string;
  byName: Map<string, MailboxRecord>;
  /** Subscriptions are by name (RFC 3501 §6.3.6): they outlive the mailbox they name. */
  subscribed: Set<string>;
  /** The inbox's messages, all folders, sorted by seq ascending: `address` queries read this. */
  bySeq: MessageRecord[];
  /**
   * Whether the default folders were made (all at once, the first time anything asked for the
   * address's folders): a delivery makes only the folder it needs, and a default the user deleted
   * later never comes back.
   */
  defaultsMade: boolean;
}

export interface RunState {
  run: Run;
  /** The run counter: seq of the latest change. */
  seq: number;
  mailboxCounter: number;
  inboxes: Map<string, InboxRecord>;
  mailboxes: Map<string, MailboxRecord>;
  messages: Map<string, MessageRecord>;
  /** Sorted by seq ascending. */
  bySeq: MessageRecord[];
  /** Messages by recipientKeys (shared/recipients.ts), each list sorted by seq ascending. */
  byRecipient: Map<string, MessageRecord[]>;
  /** Folded subject and address forms of every message, for prefiltered scans. */
  columns: ScanColumns;
  bytes: number;
  /** The process's memory budget `bytes` is also charged to, when there is one. */
  budget: ByteBudget | undefined;
  /** Newest events, seq ascending. */
  events: StoreEvent[];
  listeners: Set<StoreListener>;
  dns: DnsRecord[];
  /** SMTP fault rules and their counters; undefined when the run has none (the common case). */
  faults: FaultsRecord | undefined;
  /** Bumped by every change of the fault rules, so a decision under old rules is refused. */
  faultGeneration: number;
  /** Finished protocol sessions that touched the run. */
  sessions: SessionRing;
  /** The run's message bytes. */
  raw: RawSlabs;
  /** Webhooks by id, in creation order. */
  webhooks: Map<string, WebhookRecord>;
}

export const bySeqKey = (m: MessageRecord) => m.seq;

/** What the aggregates share across runs: the clock and the store-wide UIDVALIDITY counter. */
export interface StoreContext {
  now(): number;
  /** A UIDVALIDITY never handed out before by this store. */
  nextUidValidity(): number;
  /** Expunged UIDs each mailbox remembers (ExpungeLog). */
  expungedKept: number;
}
