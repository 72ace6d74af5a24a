import {
  concatShared,
  type Envelope,
  loopBusy,
  type MessageSummary,
  prependInRoom,
  SandmailError,
  type StoredMessage,
  storageFull,
} from "@sandmail/core";
import type {
  AppendInput,
  AppendMeta,
  CopyResult,
  DeliveryCopy,
  DeliveryInput,
  ExpungedUids,
  MessageQuery,
  PassedMessages,
  ScannedMessage,
  ScanPrefilter,
  ScanQuery,
  ScanResult,
  ScanTest,
  UpdateFlagsInput,
  UpdateFlagsResult,
} from "../contract.js";
import { applyFlagOp, hasSeen, normalizeFlags } from "../shared/flags.js";
import { checkAddress, checkIds, messageIdFor } from "../shared/inputs.js";
import { normalizeMailboxName } from "../shared/mailbox-names.js";
import type { UidColumns } from "../shared/uid-columns.js";
import { emit, emitAdded, emitMoved } from "./events.js";
import { targetMailbox } from "./mailboxes.js";
import { indexRecipients, mergedRange, recipientSources, unindexRecipients } from "./recipients.js";
import { CHUNK_END, pickNeedle, SEARCH_END } from "./scan-columns.js";
import { insertSorted, lowerBound, removeSorted } from "./sorted.js";
import {
  bySeqKey,
  type InboxRecord,
  type KeptMeta,
  type MailboxRecord,
  type MessageRecord,
  type RunState,
  type StoreContext,
} from "./state.js";
import { messageView } from "./views.js";

/** A run's messages: arrival, reads, flags, copy, move and expunge. */

// Most mail arrives without flags; flags are replaced, never changed in place, so one shared empty
// list serves them all.
const NO_FLAGS: string[] = Object.freeze([]) as unknown as string[];

/*
 * What a message keeps for the life of its run, rebuilt as literals of one fixed shape. Callers
 * often hand in objects made by spreads (`{...meta, auth}`, `{header, ...rest}`); V8 can give each
 * of those a hidden class and property store of its own, some 300 bytes a message for nothing.
 */
function keptMeta(meta: AppendMeta): KeptMeta {
  if (!meta.auth) return { summary: meta.summary, mime: meta.mime };
  const { spf, dkim, dmarc, arc, received } = meta.auth;
  return { summary: meta.summary, mime: meta.mime, auth: { spf, dkim, dmarc, arc, received } };
}

function keptEnvelope(e: Envelope): Envelope {
  const { mailFrom, clientAddress, helo, tls, authUser } = e;
  const rcptTo = e.rcptTo.slice(); // exact size: the caller's list may have been grown by push()
  return authUser === undefined
    ? { mailFrom, rcptTo, clientAddress, helo, tls }
    : { mailFrom, rcptTo, clientAddress, helo, tls, authUser };
}

/** Per run: delivery id -> ids of the messages it stored (appendDelivery's idempotence). */
const deliveries = new WeakMap<RunState, Map<string, string[]>>();
// Only a retry right after an unknown outcome needs the answer: keep the newest few.
const DELIVERIES_KEPT = 1000;

/** Deliveries with a body from this size on are copied into place before the atomic step. */
export const ASSEMBLE_ASIDE_BYTES = 1024 * 1024;

/**
 * Each copy's bytes (its head, then the shared body) for a large delivery, copied a slice per turn
 * of the event loop (one 25 MiB copy in one go held SMTP, IMAP and HTTP for tens of ms, sixteen at
 * once for far longer), for appendDelivery to keep as they are. The quota and the budget are
 * checked first, so a delivery that cannot fit is refused before anything is copied, and the bytes
 * are held in the budget while they are copied: `release` gives them back, to be called in the
 * same turn as the atomic step, which charges what it keeps.
 */
export async function assembleCopies(
  state: RunState,
  input: DeliveryInput,
  copies: DeliveryCopy[],
): Promise<{ kept: Buffer[]; release(): void }> {
  // A retry of a delivery that was stored: appendDelivery answers with those messages, nothing to copy.
  if (deliveries.get(state)?.has(input.deliveryId)) return { kept: [], release: () => {} };
  let bytes = 0;
  for (const copy of copies) bytes += copy.head.length + input.body.length;
  checkQuota(state, copies.length, bytes);
  const { budget } = state;
  budget?.reserve(bytes);
  const release = () => budget?.release(bytes);
  try {
    const kept: Buffer[] = [];
    // The first copy goes in front of the body where the body has room for it (no copy at all).
    for (const copy of copies)
      kept.push(prependInRoom(copy.head, input.body) ?? (await concatShared([copy.head, input.body])));
    return { kept, release };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * All copies or none: every check runs before the first change. `kept`, when given, holds each
 * copy's bytes already in place (assembleCopies).
 */
export function appendDelivery(
  ctx: StoreContext,
  state: RunState,
  input: DeliveryInput,
  copies: DeliveryCopy[],
  kept?: Buffer[],
): StoredMessage[] {
  let done = deliveries.get(state);
  const earlier = done?.get(input.deliveryId);
  if (earlier) return earlier.map((id) => messageView(state.messages.get(id) as MessageRecord, state.run.id));
  const targets = copies.map((copy) => {
    const address = checkAddress(copy.address);
    const folder = normalizeMailboxName(copy.mailbox ?? "INBOX");
    if (!targetMailbox(ctx, state, address, folder, false)) {
      throw new SandmailError("mailbox_not_found", `no mailbox ${folder}`);
    }
    return { address, folder, flags: normalizeFlags(copy.flags) };
  });
  let bytes = 0;
  for (const copy of copies) bytes += copy.head.length + input.body.length;
  checkQuota(state, copies.length, bytes);
  const stored = copies.map((copy, i) => {
    const { address, folder, flags } = targets[i] as (typeof targets)[number];
    const mb = targetMailbox(ctx, state, address, folder, true) as MailboxRecord;
    // Checked above, so a body's room is taken only by a copy that is kept.
    const assembled = kept?.[i] ?? prependInRoom(copy.head, input.body);
    return assembled
      ? store(ctx, state, mb, flags, assembled, undefined, copy, true)
      : store(ctx, state, mb, flags, copy.head, input.body, copy);
  });
  if (!done) {
    done = new Map();
    deliveries.set(state, done);
  }
  done.set(
    input.deliveryId,
    stored.map((rec) => rec.id),
  );
  if (done.size > DELIVERIES_KEPT) done.delete(done.keys().next().value as string);
  return stored.map((rec) => messageView(rec, state.run.id));
}

export function appendMessage(
  ctx: StoreContext,
  state: RunState,
  address: string,
  input: AppendInput,
): StoredMessage {
  const folder = normalizeMailboxName(input.mailbox ?? "INBOX");
  const flags = normalizeFlags(input.flags);
  if (!targetMailbox(ctx, state, address, folder, false)) {
    throw new SandmailError("mailbox_not_found", `no mailbox ${folder}`);
  }
  checkQuota(state, 1, input.raw.length);
  const mb = targetMailbox(ctx, state, address, folder, true) as MailboxRecord;
  return messageView(store(ctx, state, mb, flags, input.raw, undefined, input), state.run.id);
}

/** Keeps one new message in a mailbox; the caller has checked quota and mailbox. */
function store(
  ctx: StoreContext,
  state: RunState,
  mb: MailboxRecord,
  flags: string[],
  raw: Buffer,
  /** Bytes kept right after `raw` (a delivery's shared body after a copy's head), copied once. */
  rest: Buffer | undefined,
  input: Omit<AppendInput, "raw" | "address">,
  /** `raw` is a copy of the run's own already (assembleCopies): kept as it is. */
  inPlace = false,
): MessageRecord {
  const seq = ++state.seq;
  const rec: MessageRecord = {
    id: messageIdFor(seq),
    seq,
    mailbox: mb,
    uid: mb.uidNext++,
    flags: flags.length ? flags : NO_FLAGS,
    modSeq: seq,
    internalDate: input.internalDate ? new Date(input.internalDate).getTime() : ctx.now(),
    raw: inPlace ? raw : state.raw.keep(raw, rest),
    envelope: input.envelope && keptEnvelope(input.envelope),
    meta: keptMeta(input.meta),
    indexMime: input.meta.mime === undefined ? input.indexMime : undefined,
  };
  insert(state, rec);
  emitAdded(state, rec);
  return rec;
}

export function getMessage(state: RunState, messageId: string): StoredMessage | undefined {
  const rec = state.messages.get(messageId);
  return rec ? messageView(rec, state.run.id) : undefined;
}

export function listMessages(
  state: RunState,
  query: MessageQuery,
  address: string | undefined,
): StoredMessage[] {
  // The narrowest lists already in seq order: a folder's messages are read from its inbox's list
  // (its own index is in UID order, which a move makes differ from seq order); a recipient's from
  // the recipient index.
  let sources: MessageRecord[][] = [state.bySeq];
  let mailbox: MailboxRecord | undefined;
  if (query.mailboxId !== undefined) {
    mailbox = state.mailboxes.get(query.mailboxId);
    if (!mailbox) return [];
    if (address !== undefined && mailbox.address !== address) return [];
    sources = [inboxOf(state, mailbox.address).bySeq];
  } else if (address !== undefined) {
    const inbox = state.inboxes.get(address);
    if (!inbox) return [];
    sources = [inbox.bySeq];
  }
  if (query.recipient !== undefined) sources = recipientSources(state, query.recipient);
  const limit = query.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, query.limit);
  const out: StoredMessage[] = [];
  if (limit === 0) return out;
  for (const rec of mergedRange(sources, query.afterSeq, query.beforeSeq, query.order === "asc")) {
    if (mailbox !== undefined && rec.mailbox !== mailbox) continue;
    if (address !== undefined && rec.mailbox.address !== address) continue;
    out.push(messageView(rec, state.run.id));
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * A record as a scan's test sees it: one object refilled for each message, so a scan allocates
 * nothing for the messages it passes over.
 */
class ScanView implements ScannedMessage {
  id!: string;
  seq!: number;
  address!: string;
  mailbox!: string;
  flags!: readonly string[];
  summary!: MessageSummary;
  envelope: Envelope | undefined;

  constructor(rec: MessageRecord) {
    this.load(rec);
  }

  load(rec: MessageRecord): this {
    this.id = rec.id;
    this.seq = rec.seq;
    this.address = rec.mailbox.address;
    this.mailbox = rec.mailbox.name;
    this.flags = rec.flags;
    this.summary = rec.meta.summary;
    this.envelope = rec.envelope;
    return this;
  }
}

// Records tested between looks at the clock (loopBusy): a look costs about as much as a few tests.
const SCAN_CLOCK_EVERY = 256;

/**
 * Records of a list passed over by a prefiltered scan, as ScanPrefilter.passed sees them: one
 * object refilled for each run of them.
 */
class PassedRun implements PassedMessages {
  list: readonly MessageRecord[] = [];
  from = 0;
  count = 0;

  fill(list: readonly MessageRecord[], from: number, to: number): this {
    this.list = list;
    this.from = from;
    this.count = to - from;
    return this;
  }

  seq(i: number): number {
    return (this.list[this.from + i] as MessageRecord).seq;
  }

  id(i: number): string {
    return (this.list[this.from + i] as MessageRecord).id;
  }
}

// A prefiltered scan searches the run's columns, all of the run from afterSeq on: for a list
// much shorter than that (a small inbox in a large run), or short anyway, testing it is cheaper.
const PREFILTER_MIN_RECORDS = 256;
const PREFILTER_MAX_RUN_RATIO = 16;

/**
 * Prefiltered scans the loop cut short (loopBusy), by the seq each stopped at: the call that goes on
 * from there keeps the prefilter, however little is left. Decided again on what is left, a scan cut
 * near its end tested up to PREFILTER_MIN_RECORDS records the prefilter had been passing over, as
 * often as a busy machine made its turns long. A scan that ended decides afresh (a wait's later
 * calls, for a few new messages).
 */
const cutShort = new WeakMap<ScanPrefilter, number>();

function prefilterPays(state: RunState, list: MessageRecord[], from: number, afterSeq: number): boolean {
  const left = list.length - from;
  if (left < PREFILTER_MIN_RECORDS) return false;
  if (list === state.bySeq) return true;
  const runLeft = state.bySeq.length - lowerBound(state.bySeq, afterSeq + 1, bySeqKey);
  return left * PREFILTER_MAX_RUN_RATIO >= runLeft;
}

/**
 * MailStore.scanMessages: the records of the query's seq-ordered list from afterSeq on, each tested
 * in place, until `limit` matches, the end, or this turn of the event loop has been busy long
 * enough (loopBusy, shared with the other work that yields). With a prefilter, on one list that is
 * not much shorter than the run, only the records the run's scan columns find its needle in are
 * tested; the runs of records between them are told to `prefilter.passed`.
 */
export function scanMessages(
  state: RunState,
  query: ScanQuery,
  address: string | undefined,
  test: ScanTest,
  limit: number,
  prefilter?: ScanPrefilter,
): ScanResult {
  const afterSeq = query.afterSeq ?? 0;
  const matched: StoredMessage[] = [];
  let scannedTo = afterSeq;
  let sources: MessageRecord[][] = [state.bySeq];
  if (address !== undefined) {
    const inbox = state.inboxes.get(address);
    if (!inbox) return { matched, scannedTo, done: true };
    sources = [inbox.bySeq];
  }
  if (query.recipient !== undefined) sources = recipientSources(state, query.recipient);
  let view: ScanView | undefined;
  let tested = 0;
  /** Tests one record; true when the scan stops after it. */
  const visit = (rec: MessageRecord): boolean => {
    scannedTo = rec.seq;
    if (address !== undefined && rec.mailbox.address !== address) return false;
    view = view ? view.load(rec) : new ScanView(rec);
    if (test(view)) {
      matched.push(messageView(rec, state.run.id));
      if (matched.length >= limit) return true;
    }
    return ++tested % SCAN_CLOCK_EVERY === 0 && loopBusy();
  };
  const only = sources.length === 1 ? (sources[0] as MessageRecord[]) : undefined;
  if (only) {
    // One list (the run's or an inbox's): walked by index, the common case.
    const start = lowerBound(only, afterSeq + 1, bySeqKey);
    const wanted = prefilter && pickNeedle(prefilter);
    const goesOn = prefilter !== undefined && cutShort.get(prefilter) === afterSeq;
    if (prefilter) cutShort.delete(prefilter);
    if (prefilter && wanted && (goesOn || prefilterPays(state, only, start, afterSeq))) {
      const search = state.columns.search(wanted.field, wanted.needle, afterSeq);
      const run = new PassedRun();
      let i = start;
      /** Passes over only[i, to). */
      const pass = (to: number) => {
        if (to <= i) return;
        prefilter.passed(run.fill(only, i, to));
        scannedTo = (only[to - 1] as MessageRecord).seq;
        i = to;
      };
      /** Stops before the end: the call that goes on from scannedTo keeps the prefilter. */
      const stop = (): ScanResult => {
        if (i < only.length) cutShort.set(prefilter, scannedTo);
        return { matched, scannedTo, done: i >= only.length };
      };
      for (;;) {
        const seq = search.next();
        if (seq === SEARCH_END) {
          pass(only.length);
          return { matched, scannedTo, done: true };
        }
        if (seq === CHUNK_END) {
          pass(lowerBound(only, search.reached + 1, bySeqKey));
          // Only once something was looked at, so the next call starts further on.
          if (i > start && loopBusy()) return stop();
          continue;
        }
        const at = lowerBound(only, seq, bySeqKey);
        pass(at);
        const rec = only[at];
        // Not in this list (another inbox's) or gone.
        if (rec?.seq !== seq) continue;
        i = at + 1;
        if (visit(rec)) return stop();
      }
    }
    for (let i = start; i < only.length; i++)
      if (visit(only[i] as MessageRecord)) return { matched, scannedTo, done: i === only.length - 1 };
  } else {
    const records = mergedRange(sources, afterSeq, undefined, true);
    for (let next = records.next(); !next.done; ) {
      const stop = visit(next.value);
      next = records.next();
      if (stop) return { matched, scannedTo, done: next.done === true };
    }
  }
  return { matched, scannedTo, done: true };
}

export function mailboxIndex(mb: MailboxRecord): UidColumns {
  return mb.index.clone();
}

export function updateFlags(
  state: RunState,
  messageIds: string[],
  input: UpdateFlagsInput,
): UpdateFlagsResult {
  const flags = normalizeFlags(input?.flags);
  const result: UpdateFlagsResult = { updated: [], conflicts: [] };
  for (const rec of records(state, messageIds)) {
    if (input.unchangedSince !== undefined && rec.modSeq > input.unchangedSince) {
      result.conflicts.push(rec.id);
      continue;
    }
    const next = applyFlagOp(rec.flags, input.op, flags);
    if (!next) continue;
    const mb = rec.mailbox;
    mb.unseen += (hasSeen(rec.flags) ? 1 : 0) - (hasSeen(next) ? 1 : 0);
    rec.flags = next;
    rec.modSeq = mb.highestModSeq = ++state.seq;
    mb.index.setFlags(mb.index.indexOf(rec.uid), next, rec.modSeq);
    result.updated.push({ messageId: rec.id, uid: rec.uid, flags: [...next], modSeq: rec.modSeq });
    emit(state, {
      type: "message.flags",
      runId: state.run.id,
      seq: rec.modSeq,
      messageId: rec.id,
      mailboxId: mb.id,
      address: mb.address,
      uid: rec.uid,
      flags: [...next],
      modSeq: rec.modSeq,
    });
  }
  return result;
}

export function copyMessages(state: RunState, messageIds: string[], dest: MailboxRecord): CopyResult {
  const recs = records(state, messageIds);
  checkQuota(
    state,
    recs.length,
    recs.reduce((n, r) => n + r.raw.length, 0),
  );
  const mapping: CopyResult["mapping"] = [];
  for (const src of recs) {
    const seq = ++state.seq;
    const rec: MessageRecord = {
      ...src,
      id: messageIdFor(seq),
      seq,
      mailbox: dest,
      uid: dest.uidNext++,
      flags: [...src.flags],
      modSeq: seq,
    };
    insert(state, rec);
    mapping.push({ messageId: src.id, uid: src.uid, newMessageId: rec.id, newUid: rec.uid });
    emitAdded(state, rec);
  }
  return { uidValidity: dest.uidValidity, mapping };
}

export function moveMessages(state: RunState, messageIds: string[], dest: MailboxRecord): CopyResult {
  const recs = records(state, messageIds);
  const sources = mailboxesOf(recs);
  removeFromIndexes(recs);
  const mapping: CopyResult["mapping"] = [];
  for (const rec of recs) {
    const from = rec.mailbox;
    const fromUid = rec.uid;
    const seen = hasSeen(rec.flags);
    if (!seen) from.unseen--;
    rec.mailbox = dest;
    rec.uid = dest.uidNext++;
    rec.modSeq = from.highestModSeq = dest.highestModSeq = ++state.seq;
    dest.index.push(rec.uid, rec.id, rec.flags, rec.modSeq);
    from.expunged.record(fromUid, rec.modSeq);
    if (from.address !== dest.address) {
      removeSorted(inboxOf(state, from.address).bySeq, [rec], bySeqKey);
      insertSorted(inboxOf(state, dest.address).bySeq, rec, bySeqKey);
      state.columns.unsure(rec);
    }
    if (!seen) dest.unseen++;
    mapping.push({ messageId: rec.id, uid: fromUid, newMessageId: rec.id, newUid: rec.uid });
    emitMoved(state, rec, from, fromUid);
  }
  for (const mb of sources) mb.expunged.trim();
  return { uidValidity: dest.uidValidity, mapping };
}

export function deleteMessages(state: RunState, messageIds: string[]): number {
  const recs = records(state, messageIds);
  removeFromIndexes(recs);
  removeSorted(state.bySeq, recs, bySeqKey);
  unindexRecipients(state, recs);
  state.columns.remove(recs);
  for (const [address, group] of groupBy(recs, (r) => r.mailbox.address)) {
    removeSorted(inboxOf(state, address).bySeq, group, bySeqKey);
  }
  for (const rec of recs) {
    const mb = rec.mailbox;
    state.messages.delete(rec.id);
    state.bytes -= rec.raw.length;
    state.budget?.release(rec.raw.length);
    if (!hasSeen(rec.flags)) mb.unseen--;
    const seq = ++state.seq;
    mb.highestModSeq = seq;
    mb.expunged.record(rec.uid, seq);
    emit(state, {
      type: "message.expunged",
      runId: state.run.id,
      seq,
      messageId: rec.id,
      mailboxId: mb.id,
      address: mb.address,
      uid: rec.uid,
      modSeq: seq,
    });
  }
  for (const mb of mailboxesOf(recs)) mb.expunged.trim();
  return recs.length;
}

/** QRESYNC: UIDs that left the mailbox after `sinceModSeq`. */
export function expungedSince(mb: MailboxRecord, sinceModSeq: number): ExpungedUids {
  return mb.expunged.since(sinceModSeq);
}

/** Distinct existing messages, in the order given. */
function records(state: RunState, messageIds: string[]): MessageRecord[] {
  const seen = new Set<MessageRecord>();
  for (const id of checkIds(messageIds)) {
    const rec = state.messages.get(id);
    if (rec) seen.add(rec);
  }
  return [...seen];
}

function checkQuota(state: RunState, messages: number, bytes: number): void {
  const { maxMessages, maxBytes } = state.run.limits;
  if (state.messages.size + messages > maxMessages) {
    throw new SandmailError(
      "quota_exceeded",
      `run ${state.run.id} holds its maximum of ${maxMessages} messages`,
    );
  }
  if (state.bytes + bytes > maxBytes) {
    throw new SandmailError(
      "quota_exceeded",
      `run ${state.run.id} would exceed its maximum of ${maxBytes} bytes`,
    );
  }
  const { budget } = state;
  if (budget && !budget.fits(bytes)) throw storageFull(budget.limit);
}

function insert(state: RunState, rec: MessageRecord): void {
  state.messages.set(rec.id, rec);
  insertSorted(state.bySeq, rec, bySeqKey);
  insertSorted(inboxOf(state, rec.mailbox.address).bySeq, rec, bySeqKey);
  indexRecipients(state, rec);
  state.columns.add(rec);
  rec.mailbox.index.push(rec.uid, rec.id, rec.flags, rec.modSeq);
  state.bytes += rec.raw.length;
  // checkQuota saw it fit earlier in this same synchronous step.
  state.budget?.charge(rec.raw.length);
  rec.mailbox.highestModSeq = rec.modSeq;
  if (!hasSeen(rec.flags)) rec.mailbox.unseen++;
}

/** The mailboxes the messages are in (read before a move changes them). */
function mailboxesOf(recs: MessageRecord[]): Set<MailboxRecord> {
  return new Set(recs.map((r) => r.mailbox));
}

/** Takes the messages out of their mailboxes' UID indexes (before a move changes their UIDs). */
function removeFromIndexes(recs: MessageRecord[]): void {
  for (const [mb, group] of groupBy(recs, (r) => r.mailbox)) mb.index.removeUids(group.map((r) => r.uid));
}

function groupBy<K>(recs: MessageRecord[], keyOf: (rec: MessageRecord) => K): Map<K, MessageRecord[]> {
  const groups = new Map<K, MessageRecord[]>();
  for (const rec of recs) {
    const key = keyOf(rec);
    const group = groups.get(key);
    if (group) group.push(rec);
    else groups.set(key, [rec]);
  }
  return groups;
}

/** A mailbox's inbox: every mailbox belongs to one. */
function inboxOf(state: RunState, address: string): InboxRecord {
  return state.inboxes.get(address) as InboxRecord;
}
