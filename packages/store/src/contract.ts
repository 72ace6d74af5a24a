import type {
  ActiveFaults,
  DnsRecord,
  Envelope,
  FaultRule,
  FaultRuleState,
  Mailbox,
  MessageMeta,
  MessageSummary,
  MimeNode,
  Run,
  RunCounts,
  RunLimits,
  SessionSummary,
  SessionTranscript,
  StoredMessage,
  StoreEvent,
  TranscriptLimits,
} from "@sandmail/core";
import type { UidColumns } from "./shared/uid-columns.js";
import type { WebhookStore } from "./webhook-contract.js";

export interface CreateRunInput {
  /** Chosen id (e.g. `default`); generated when absent. Fails with `run_exists` if taken. */
  id?: string;
  /** Chosen token; generated when absent. */
  token?: string;
  label?: string;
  ttlSeconds: number;
  limits: RunLimits;
}

/** The parts of a stored message that never change (see `MailStore.messageParts`). */
export type MessageParts = Pick<
  StoredMessage,
  "id" | "seq" | "size" | "internalDate" | "summary" | "mime" | "envelope" | "auth"
>;

export type AppendMeta = Omit<MessageMeta, "mime"> & { mime?: MimeNode };

export interface AppendInput {
  /** Inbox address, any case; stored lowercased. Its default folders are created if absent. */
  address: string;
  /** Folder name; INBOX when absent. Fails with `mailbox_not_found` if it does not exist. */
  mailbox?: string;
  /** The message exactly as it is to be kept (CRLF line endings, prepended headers included). */
  raw: Buffer;
  /** Kept beside the bytes. `mime` may be left out when `indexMime` is given. */
  meta: AppendMeta;
  /**
   * Builds the MIME tree from the stored bytes. Given it, a store may build the tree when it is
   * first read (once, then kept) instead of before the append resolves: the MemoryStore does, so
   * ingest does not pay for trees nobody reads; the RedisStore builds it at once.
   */
  indexMime?: (raw: Buffer) => MimeNode;
  flags?: string[];
  internalDate?: Date;
  envelope?: Envelope;
}

/** One recipient's copy of a delivered message: its own leading bytes, then the shared body. */
export interface DeliveryCopy extends Omit<AppendInput, "raw"> {
  /** This copy's own trace headers; the stored message is `head` followed by the delivery's body. */
  head: Buffer;
}

export interface DeliveryInput {
  /**
   * Unique per delivery (never reused for another message). A call repeated with the same id,
   * e.g. after a timeout left its outcome unknown, stores nothing again and returns the messages
   * of the call that stored them.
   */
  deliveryId: string;
  /** The bytes every copy shares, after its head. */
  body: Buffer;
  copies: DeliveryCopy[];
}

export interface MessageQuery {
  address?: string;
  mailboxId?: string;
  /**
   * Only messages for this recipient, ignoring case (JavaScript's toLowerCase on both sides):
   * one whose inbox address, a To or Cc address or display name, or an envelope recipient
   * equals it. An index answers it (see shared/recipients.ts), so a wait or list for one
   * address reads that address's messages, not the run's.
   */
  recipient?: string;
  /** Only messages with seq > afterSeq. */
  afterSeq?: number;
  /** Only messages with seq < beforeSeq (paging newest-first). */
  beforeSeq?: number;
  limit?: number;
  /** By seq; default "desc" (newest first). */
  order?: "asc" | "desc";
}

/** Which messages a scan looks at: MessageQuery's sources, from `afterSeq` up, in seq order. */
export type ScanQuery = Pick<MessageQuery, "address" | "recipient" | "afterSeq">;

/**
 * What a scan's test sees of each message: the stored fields a wait's criteria read. The store
 * may hand the same object, refilled, for every message: read it during the call, do not keep it
 * or change it.
 */
export interface ScannedMessage {
  readonly id: string;
  readonly seq: number;
  /** Inbox address owning the mailbox. */
  readonly address: string;
  /** Folder name. */
  readonly mailbox: string;
  readonly flags: readonly string[];
  readonly summary: MessageSummary;
  readonly envelope?: Envelope | undefined;
}

/** A scan's test of one message (see MailStore.scanMessages). */
export type ScanTest = (msg: ScannedMessage) => boolean;

export interface ScanOptions {
  /** Stop at this many matches (default: no limit). */
  limit?: number;
  /** What the test needs of a message's texts: a store may pass over those without it (see ScanPrefilter). */
  prefilter?: ScanPrefilter;
}

/**
 * Texts the scan's test requires, each case-folded with foldCase (@sandmail/matcher): the test
 * passes no message unless its subject, one of its senderForms, one of its recipientForms
 * (shared/address-forms.ts), folded, holds the text given for that field. A store may use an index
 * of those folded fields to skip the messages that certainly lack it: those are not tested but
 * told to `passed`, in seq order, interleaved with the tests, so the caller sees every message of
 * the scan once either way. A store without such an index tests every message, as without it.
 */
export interface ScanPrefilter {
  subject?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  passed(messages: PassedMessages): void;
}

/**
 * A run of consecutive messages of the scan (seq ascending) passed over untested. The store may
 * hand the same object, refilled, every time: read it during the call.
 */
export interface PassedMessages {
  readonly count: number;
  /** The i-th of them (0: the oldest). */
  seq(i: number): number;
  id(i: number): string;
}

export interface ScanResult {
  /** The messages the test passed, seq ascending, as listMessages would answer them. */
  matched: StoredMessage[];
  /** Every message with afterSeq < seq <= scannedTo was tested or passed over (ScanPrefilter); afterSeq when none was. */
  scannedTo: number;
  /** True when no message past scannedTo was there when the scan stopped. */
  done: boolean;
}

export type { MailboxEntry } from "./shared/uid-columns.js";

export type FlagOperation = "add" | "remove" | "set";

export interface UpdateFlagsInput {
  op: FlagOperation;
  flags: string[];
  /** CONDSTORE: leave (and report) messages whose modSeq is above this. */
  unchangedSince?: number;
}

export interface UpdateFlagsResult {
  /** Messages whose flags changed, with their new flags and modSeq. */
  updated: Array<{ messageId: string; uid: number; flags: string[]; modSeq: number }>;
  /** Messages left unchanged because of unchangedSince. */
  conflicts: string[];
}

export interface CopyResult {
  /** Destination mailbox UIDVALIDITY (COPYUID / APPENDUID). */
  uidValidity: number;
  /** In the order of the ids given; ids not found are left out. */
  mapping: Array<{ messageId: string; uid: number; newMessageId: string; newUid: number }>;
}

/** A run with what it holds, as the run list (the API key's view) shows it. */
/** What `expungedSince` answers: the UIDs that left a mailbox after a mod-sequence. */
export interface ExpungedUids {
  /** UIDs expunged from (or moved out of) the mailbox with a modSeq above the one asked for, ascending. */
  uids: number[];
  /**
   * The highest modSeq of the expunges the store no longer remembers (0: it forgot none). The
   * store keeps a bounded number per mailbox; asked for a modSeq below this, `uids` may miss some.
   */
  floor: number;
}

export interface RunListing {
  run: Run;
  counts: RunCounts;
}

export interface InboxInfo {
  address: string;
  messages: number;
  unseen: number;
}

export type StoreListener = (event: StoreEvent) => void;

/**
 * The one interface every front end uses. All methods are scoped by run id; a method given an
 * unknown or expired run fails with SandmailError `run_not_found` unless it says otherwise.
 *
 * Sequencing: each run has one counter. Every change takes the next value: a new message's
 * `seq`, the `modSeq` of the messages a change touches, and the `seq` of the event announcing
 * the change. So `eventsSince(n)` resumes a stream, `afterSeq` resumes a wait, and a mailbox's
 * HIGHESTMODSEQ is the counter value of its latest change.
 */
export interface MailStore {
  readonly kind: "memory" | "redis";

  createRun(input: CreateRunInput): Promise<Run>;
  /** undefined when the run does not exist or has expired. */
  getRun(runId: string): Promise<Run | undefined>;
  /** Deletes the run and all its mail; false when it did not exist. Emits `run.deleted`. */
  deleteRun(runId: string): Promise<boolean>;
  runCounts(runId: string): Promise<RunCounts>;
  /**
   * Live runs with their counts, newest first, at most `limit` (default 1000). For operators (the
   * API key's run list), not for paths that scale with traffic.
   */
  listRuns(limit?: number): Promise<RunListing[]>;

  /**
   * Creates the address's default folders if absent (idempotent). A delivery or APPEND to a new
   * address makes only the folder it stores into (and INBOX); the other defaults are made the first
   * time the address's folders are listed or one is looked up by name (listMailboxes, getMailbox,
   * and every change by name), with their `mailbox.created` events, once per address: a default
   * deleted or renamed after that never comes back. A listing or lookup of an address never met
   * makes nothing.
   */
  ensureInbox(runId: string, address: string): Promise<void>;
  listInboxes(runId: string): Promise<InboxInfo[]>;
  listMailboxes(runId: string, address: string): Promise<Mailbox[]>;
  /** Folder lookup; `INBOX` matches case-insensitively. */
  getMailbox(runId: string, address: string, name: string): Promise<Mailbox | undefined>;
  getMailboxById(runId: string, mailboxId: string): Promise<Mailbox | undefined>;
  /** Fails with `mailbox_exists`. A name deleted and created again gets a new UIDVALIDITY. */
  createMailbox(runId: string, address: string, name: string): Promise<Mailbox>;
  /** Deletes the folder and its messages; INBOX fails with `mailbox_protected`. */
  deleteMailbox(runId: string, address: string, name: string): Promise<void>;
  /**
   * Renames a folder (and its children `name/...`). Renaming INBOX moves its messages into a new
   * folder and leaves INBOX empty, as RFC 3501 §6.3.5 says.
   */
  renameMailbox(runId: string, address: string, from: string, to: string): Promise<Mailbox>;
  setSubscribed(runId: string, address: string, name: string, subscribed: boolean): Promise<void>;

  /** Stores a message; fails with `quota_exceeded` past the run's limits. Emits `message.added`. */
  appendMessage(runId: string, input: AppendInput): Promise<StoredMessage>;
  /**
   * One message to several inboxes of a run, as one atomic step: every copy is stored or none is
   * (quota counts all copies together). With an empty body each copy is a whole message of its
   * own: IMAP MULTIAPPEND stores its messages this way, all or none. The promise settles only once the outcome is known: a
   * rejection means nothing was stored and never will be by this call. Emits `message.added` per copy.
   */
  appendDelivery(runId: string, input: DeliveryInput): Promise<StoredMessage[]>;
  getMessage(runId: string, messageId: string): Promise<StoredMessage | undefined>;
  /** Batch lookup in the order given; undefined where a message does not exist. */
  getMessages(runId: string, messageIds: string[]): Promise<Array<StoredMessage | undefined>>;
  /**
   * What never changes about these messages, for a reader that knows their mailbox, UID and flags
   * from elsewhere (an IMAP session's view, kept current by events); undefined for a message the
   * store does not have. A store may answer from a per-process cache without asking whether the
   * message still exists, so one expunged (or whose run was removed) moments ago by another
   * process may still be answered.
   */
  messageParts(runId: string, messageIds: string[]): Promise<Array<MessageParts | undefined>>;
  getRaw(runId: string, messageId: string): Promise<Buffer | undefined>;
  listMessages(runId: string, query?: MessageQuery): Promise<StoredMessage[]>;
  /**
   * Runs `test` over the messages of `query` in seq order, in place (no page of views is built
   * for messages the test refuses), and answers those it passed. Does a slice of the work per call,
   * so the caller's event loop stays free: it stops at `limit` matches, or when its share of the
   * loop's turn is used up, or at the end; the caller goes on from `scannedTo` until `done`.
   */
  scanMessages(runId: string, query: ScanQuery, test: ScanTest, options?: ScanOptions): Promise<ScanResult>;
  /**
   * The mailbox's UID index (UIDs ascending, flags, mod-sequences, ids) in columns, the caller's
   * own copy: SELECT of a large mailbox costs a few memcpys, not an object per message.
   */
  mailboxIndex(runId: string, mailboxId: string): Promise<UidColumns>;

  /** Emits one `message.flags` per message whose flags changed. */
  updateFlags(runId: string, messageIds: string[], input: UpdateFlagsInput): Promise<UpdateFlagsResult>;
  /** New messages (new ids, seqs, UIDs) in the destination. Emits `message.added` for each. */
  copyMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult>;
  /** Keeps each message's id and seq; new UID in the destination. Emits `message.moved`. */
  moveMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult>;
  /** Removes messages for good (IMAP EXPUNGE, API DELETE); returns how many. Emits `message.expunged`. */
  deleteMessages(runId: string, messageIds: string[]): Promise<number>;
  /**
   * QRESYNC (RFC 7162): the UIDs that left the mailbox (deleted, moved out, INBOX renamed) with a
   * modSeq above `sinceModSeq`. Each mailbox remembers its newest `EXPUNGED_KEPT` (store option
   * `expungedKept`); `floor` says where that memory starts. Fails with `mailbox_not_found`.
   */
  expungedSince(runId: string, mailboxId: string, sinceModSeq: number): Promise<ExpungedUids>;

  /**
   * \Recent bookkeeping: atomically returns the highest UID already claimed as recent by some
   * session and advances it to uidNext-1. UIDs above the returned value are recent for the caller
   * alone. With `upToUid` the claim advances no further than that UID: a session claims exactly
   * the messages it knows of, so it knows the range (returned value, upToUid] is its own, and a
   * message it has not heard of yet stays claimable for whoever hears of it first. With upToUid 0
   * it claims nothing and only reads the mark (EXAMINE and STATUS report \Recent that way).
   */
  claimRecent(runId: string, mailboxId: string, upToUid?: number): Promise<number>;

  /** The run's counter: the seq of its latest change (0 for a new run). */
  currentSeq(runId: string): Promise<number>;
  /** Events with seq > afterSeq still kept (the newest 10,000 per run at least), in order. */
  eventsSince(runId: string, afterSeq: number, limit?: number): Promise<StoreEvent[]>;
  /**
   * Live events of one run, from every process sharing the store. Resolves once the
   * subscription is active, so nothing emitted after it resolves is missed. Returns the
   * function that ends the subscription.
   */
  subscribe(runId: string, listener: StoreListener): Promise<() => void>;

  /** Replaces the run's DNS records (used by its SPF/DKIM/DMARC/ARC checks). */
  setDnsRecords(runId: string, records: DnsRecord[]): Promise<void>;
  getDnsRecords(runId: string): Promise<DnsRecord[]>;

  /** The run's webhooks and their delivery log (webhook-contract.ts). */
  readonly webhooks: WebhookStore;
  /**
   * Replaces the run's SMTP fault rules; counts, draws and greylisting start afresh under a new
   * generation. An empty list clears them. Returns the rules as kept (seeds filled in).
   */
  setFaults(runId: string, rules: FaultRule[]): Promise<FaultRuleState[]>;
  /** The rules with what remains of each count and how often each fired. */
  getFaults(runId: string): Promise<FaultRuleState[]>;
  /**
   * The rules the SMTP service applies, undefined when the run has none (or is gone). Asked for every
   * recipient, so it costs no round trip for a run without rules (the RedisStore caches it per
   * process, dropped by a message from the script that changes the rules).
   */
  activeFaults(runId: string): Promise<ActiveFaults | undefined>;
  /**
   * One matching transaction for rule `index` of `generation`, decided atomically for every
   * process sharing the store: a `probability` rule draws from its generator, a rule with a
   * `count` counts down (and stops at 0), and a firing is counted. True when the rule fires;
   * false also when the rules were replaced since `generation`.
   */
  fireFault(runId: string, generation: number, index: number): Promise<boolean>;
  /**
   * Greylisting's memory of rule `index`: milliseconds since the first attempt of `key`, or -1
   * when this is its first attempt (recorded now) or the rules were replaced since `generation`.
   */
  greylistAttempt(runId: string, generation: number, index: number, key: string): Promise<number>;
  /**
   * Keeps a finished protocol session in the run's transcript ring, then drops the oldest
   * sessions until the ring is within `limits` (the newest session always stays).
   */
  addSession(runId: string, session: SessionTranscript, limits: TranscriptLimits): Promise<void>;
  /** The run's kept sessions without their lines, newest first. */
  listSessions(runId: string): Promise<SessionSummary[]>;
  /** undefined when the session is not (or no longer) kept for this run. */
  getSession(runId: string, sessionId: string): Promise<SessionTranscript | undefined>;

  /** Throws when the backing store is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
