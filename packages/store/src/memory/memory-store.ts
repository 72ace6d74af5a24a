import {
  DefaultFolders,
  type DnsRecord,
  type Envelope,
  type Mailbox,
  type MessageMeta,
  newRunId,
  newToken,
  type Run,
  type RunCounts,
  SandmailError,
  type SpecialUse,
  type StoredMessage,
  type StoreEvent,
} from "@sandmail/core";
import type {
  AppendInput,
  CopyResult,
  CreateRunInput,
  DeliveryInput,
  InboxInfo,
  MailboxEntry,
  MailStore,
  MessageQuery,
  StoreListener,
  UpdateFlagsInput,
  UpdateFlagsResult,
} from "../contract.js";
import { applyFlagOp, hasSeen, normalizeFlags } from "../shared/flags.js";
import {
  checkAddress,
  checkAppend,
  checkCreateRun,
  checkDelivery,
  checkIds,
  EVENTS_KEPT,
  messageIdFor,
  normalizeDnsRecords,
} from "../shared/inputs.js";
import {
  byFolderName,
  isInbox,
  isSameOrChild,
  lookupName,
  normalizeMailboxName,
  parentNames,
} from "../shared/mailbox-names.js";
import { RawSlabs } from "./raw-slabs.js";
import { insertSorted, lowerBound, removeSorted } from "./sorted.js";
import {
  bySeqKey,
  byUidKey,
  type InboxRecord,
  type MailboxRecord,
  type MessageRecord,
  type RunState,
} from "./state.js";
import { entryView, mailboxView, messageView } from "./views.js";

export interface MemoryStoreOptions {
  /** Clock in epoch milliseconds (tests move it to expire runs). */
  now?: () => number;
  /** How often expired runs are swept even when nobody touches them. */
  sweepIntervalMs?: number;
}

// Most mail arrives without flags; flags are replaced, never changed in place, so one shared empty
// list serves them all.
const DELIVERIES_KEPT = 1000;

const NO_FLAGS: string[] = Object.freeze([]) as unknown as string[];

/*
 * What a message keeps for the life of its run, rebuilt as literals of one fixed shape. Callers
 * often hand in objects made by spreads (`{...meta, auth}`, `{header, ...rest}`); V8 can give each
 * of those a hidden class and property store of its own, some 300 bytes a message for nothing.
 */
function keptMeta(meta: MessageMeta): MessageMeta {
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

/**
 * The embedded MailStore: everything in this process's memory. Messages keep their bytes in the
 * run's slabs (raw-slabs.ts) and their metadata as fixed-shape literals; every read builds a
 * fresh view.
 */
export class MemoryStore implements MailStore {
  readonly kind = "memory" as const;
  readonly #runs = new Map<string, RunState>();
  /** Per run: delivery id -> ids of the messages it stored (appendDelivery's idempotence). */
  readonly #deliveries = new WeakMap<RunState, Map<string, string[]>>();
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;
  // Store-wide so that a run deleted and created again never repeats a UIDVALIDITY.
  #lastUidValidity = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweeper = setInterval(() => this.sweepExpired(), options.sweepIntervalMs ?? 1000);
    this.#sweeper.unref();
  }

  /** Drops every run whose TTL has passed; returns how many. */
  sweepExpired(): number {
    let n = 0;
    const now = this.#now();
    for (const state of [...this.#runs.values()]) {
      if (now >= state.run.expiresAt.getTime()) {
        this.#drop(state);
        n++;
      }
    }
    return n;
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    checkCreateRun(input);
    let id = input.id;
    if (id !== undefined) {
      if (this.#live(id)) throw new SandmailError("run_exists", `run ${id} already exists`);
    } else {
      do id = newRunId();
      while (this.#live(id));
    }
    const now = this.#now();
    const run: Run = {
      id,
      token: input.token ?? newToken(),
      createdAt: new Date(now),
      expiresAt: new Date(now + Math.round(input.ttlSeconds * 1000)),
      limits: { maxMessages: input.limits.maxMessages, maxBytes: input.limits.maxBytes },
    };
    if (input.label !== undefined) run.label = input.label;
    this.#runs.set(id, {
      run,
      seq: 0,
      mailboxCounter: 0,
      inboxes: new Map(),
      mailboxes: new Map(),
      messages: new Map(),
      bySeq: [],
      raw: new RawSlabs(),
      bytes: 0,
      events: [],
      listeners: new Set(),
      dns: [],
    });
    return copyRun(run);
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const state = this.#live(runId);
    return state ? copyRun(state.run) : undefined;
  }

  async deleteRun(runId: string): Promise<boolean> {
    const state = this.#live(runId);
    if (!state) return false;
    this.#drop(state);
    return true;
  }

  async runCounts(runId: string): Promise<RunCounts> {
    const state = this.#state(runId);
    return { messages: state.messages.size, bytes: state.bytes, inboxes: state.inboxes.size };
  }

  async ensureInbox(runId: string, address: string): Promise<void> {
    this.#ensureInbox(this.#state(runId), checkAddress(address));
  }

  async listInboxes(runId: string): Promise<InboxInfo[]> {
    const state = this.#state(runId);
    const out: InboxInfo[] = [];
    for (const inbox of state.inboxes.values()) {
      let messages = 0;
      let unseen = 0;
      for (const mb of inbox.byName.values()) {
        messages += mb.index.length;
        unseen += mb.unseen;
      }
      out.push({ address: inbox.address, messages, unseen });
    }
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  async listMailboxes(runId: string, address: string): Promise<Mailbox[]> {
    const state = this.#state(runId);
    const inbox = state.inboxes.get(checkAddress(address));
    if (!inbox) return [];
    return [...inbox.byName.values()].map((mb) => mailboxView(mb, inbox)).sort(byFolderName);
  }

  async getMailbox(runId: string, address: string, name: string): Promise<Mailbox | undefined> {
    const state = this.#state(runId);
    const inbox = state.inboxes.get(checkAddress(address));
    const mb = inbox?.byName.get(lookupName(name));
    return inbox && mb ? mailboxView(mb, inbox) : undefined;
  }

  async getMailboxById(runId: string, mailboxId: string): Promise<Mailbox | undefined> {
    const state = this.#state(runId);
    const mb = state.mailboxes.get(mailboxId);
    const inbox = mb && state.inboxes.get(mb.address);
    return mb && inbox ? mailboxView(mb, inbox) : undefined;
  }

  async createMailbox(runId: string, address: string, name: string): Promise<Mailbox> {
    const state = this.#state(runId);
    const folder = normalizeMailboxName(name);
    const inbox = this.#ensureInbox(state, checkAddress(address));
    if (inbox.byName.has(folder)) throw new SandmailError("mailbox_exists", `mailbox ${folder} exists`);
    this.#createParents(state, inbox, folder);
    return mailboxView(this.#newMailbox(state, inbox, folder), inbox);
  }

  async deleteMailbox(runId: string, address: string, name: string): Promise<void> {
    const state = this.#state(runId);
    const folder = normalizeMailboxName(name);
    if (isInbox(folder)) throw new SandmailError("mailbox_protected", "INBOX cannot be deleted");
    const inbox = state.inboxes.get(checkAddress(address));
    const mb = inbox?.byName.get(folder);
    if (!inbox || !mb) throw new SandmailError("mailbox_not_found", `no mailbox ${folder}`);
    for (const m of mb.index) {
      state.messages.delete(m.id);
      state.bytes -= m.raw.length;
    }
    removeSorted(state.bySeq, mb.index, bySeqKey);
    mb.index = [];
    inbox.byName.delete(folder);
    state.mailboxes.delete(mb.id);
    this.#emit(state, {
      type: "mailbox.deleted",
      runId: state.run.id,
      seq: ++state.seq,
      mailboxId: mb.id,
      address: mb.address,
      name: folder,
    });
  }

  async renameMailbox(runId: string, address: string, from: string, to: string): Promise<Mailbox> {
    const state = this.#state(runId);
    const src = normalizeMailboxName(from);
    const dst = normalizeMailboxName(to);
    const inbox = state.inboxes.get(checkAddress(address));
    const mb = inbox?.byName.get(src);
    if (!inbox || !mb) throw new SandmailError("mailbox_not_found", `no mailbox ${src}`);
    if (isInbox(dst) || inbox.byName.has(dst))
      throw new SandmailError("mailbox_exists", `mailbox ${dst} exists`);
    if (isInbox(src)) return mailboxView(this.#renameInbox(state, inbox, mb, dst), inbox);
    if (isSameOrChild(dst, src)) {
      throw new SandmailError("invalid_request", "a mailbox cannot be renamed into itself");
    }
    const moving = [...inbox.byName.values()].filter((m) => isSameOrChild(m.name, src));
    const renamed = moving.map((m) => ({ mb: m, oldName: m.name, newName: dst + m.name.slice(src.length) }));
    for (const r of renamed) {
      if (inbox.byName.has(r.newName))
        throw new SandmailError("mailbox_exists", `mailbox ${r.newName} exists`);
    }
    for (const r of renamed) inbox.byName.delete(r.oldName);
    for (const r of renamed) {
      r.mb.name = r.newName;
      inbox.byName.set(r.newName, r.mb);
      if (inbox.subscribed.delete(r.oldName)) inbox.subscribed.add(r.newName);
      this.#emit(state, {
        type: "mailbox.renamed",
        runId: state.run.id,
        seq: ++state.seq,
        mailboxId: r.mb.id,
        address: r.mb.address,
        name: r.newName,
        oldName: r.oldName,
      });
    }
    this.#createParents(state, inbox, dst);
    return mailboxView(mb, inbox);
  }

  async setSubscribed(runId: string, address: string, name: string, subscribed: boolean): Promise<void> {
    const state = this.#state(runId);
    const folder = normalizeMailboxName(name);
    const inbox = this.#ensureInbox(state, checkAddress(address));
    if (subscribed) inbox.subscribed.add(folder);
    else inbox.subscribed.delete(folder);
  }

  async appendMessage(runId: string, input: AppendInput): Promise<StoredMessage> {
    checkAppend(input);
    const state = this.#state(runId);
    const folder = normalizeMailboxName(input.mailbox ?? "INBOX");
    const flags = normalizeFlags(input.flags);
    const inbox = this.#ensureInbox(state, checkAddress(input.address));
    const mb = inbox.byName.get(folder);
    if (!mb) throw new SandmailError("mailbox_not_found", `no mailbox ${folder}`);
    this.#checkQuota(state, 1, input.raw.length);
    const seq = ++state.seq;
    const rec: MessageRecord = {
      id: messageIdFor(seq),
      seq,
      mailbox: mb,
      uid: mb.uidNext++,
      flags: flags.length ? flags : NO_FLAGS,
      modSeq: seq,
      internalDate: input.internalDate ? new Date(input.internalDate).getTime() : this.#now(),
      raw: state.raw.keep(input.raw),
      envelope: input.envelope && keptEnvelope(input.envelope),
      meta: keptMeta(input.meta),
    };
    this.#insert(state, rec);
    this.#emitAdded(state, rec);
    return messageView(rec, state.run.id);
  }

  async appendDelivery(runId: string, input: DeliveryInput): Promise<StoredMessage[]> {
    const copies = checkDelivery(input);
    const state = this.#state(runId);
    let done = this.#deliveries.get(state);
    const earlier = done?.get(input.deliveryId);
    if (earlier)
      return earlier.map((id) => messageView(state.messages.get(id) as MessageRecord, state.run.id));
    // Every check before the first change, so a refused delivery leaves nothing behind.
    const targets = copies.map((copy) => {
      const address = checkAddress(copy.address);
      const folder = normalizeMailboxName(copy.mailbox ?? "INBOX");
      const inbox = state.inboxes.get(address);
      const exists = inbox ? inbox.byName.has(folder) : DefaultFolders.some((f) => f.name === folder);
      if (!exists) throw new SandmailError("mailbox_not_found", `no mailbox ${folder}`);
      return { address, folder, flags: normalizeFlags(copy.flags) };
    });
    this.#checkQuota(
      state,
      copies.length,
      copies.length * input.body.length + sumOf(copies, (c) => c.head.length),
    );
    const stored = copies.map((copy, i) => {
      const { address, folder, flags } = targets[i] as (typeof targets)[number];
      const mb = this.#ensureInbox(state, address).byName.get(folder) as MailboxRecord;
      const seq = ++state.seq;
      const rec: MessageRecord = {
        id: messageIdFor(seq),
        seq,
        mailbox: mb,
        uid: mb.uidNext++,
        flags: flags.length ? flags : NO_FLAGS,
        modSeq: seq,
        internalDate: copy.internalDate ? new Date(copy.internalDate).getTime() : this.#now(),
        raw: state.raw.keep(Buffer.concat([copy.head, input.body])),
        envelope: copy.envelope && keptEnvelope(copy.envelope),
        meta: keptMeta(copy.meta),
      };
      this.#insert(state, rec);
      this.#emitAdded(state, rec);
      return rec;
    });
    if (!done) {
      done = new Map();
      this.#deliveries.set(state, done);
    }
    done.set(
      input.deliveryId,
      stored.map((rec) => rec.id),
    );
    // Only a retry right after an unknown outcome needs the answer: keep the newest few.
    if (done.size > DELIVERIES_KEPT) done.delete(done.keys().next().value as string);
    return stored.map((rec) => messageView(rec, state.run.id));
  }

  async getMessage(runId: string, messageId: string): Promise<StoredMessage | undefined> {
    const state = this.#state(runId);
    const rec = state.messages.get(messageId);
    return rec ? messageView(rec, state.run.id) : undefined;
  }

  async getMessages(runId: string, messageIds: string[]): Promise<Array<StoredMessage | undefined>> {
    const state = this.#state(runId);
    return checkIds(messageIds).map((id) => {
      const rec = state.messages.get(id);
      return rec ? messageView(rec, state.run.id) : undefined;
    });
  }

  async getRaw(runId: string, messageId: string): Promise<Buffer | undefined> {
    return this.#state(runId).messages.get(messageId)?.raw;
  }

  async listMessages(runId: string, query: MessageQuery = {}): Promise<StoredMessage[]> {
    const state = this.#state(runId);
    let source = state.bySeq;
    if (query.mailboxId !== undefined) {
      const mb = state.mailboxes.get(query.mailboxId);
      if (!mb) return [];
      source = [...mb.index].sort((a, b) => a.seq - b.seq);
    }
    const address = query.address === undefined ? undefined : checkAddress(query.address);
    const lo = query.afterSeq === undefined ? 0 : lowerBound(source, query.afterSeq + 1, bySeqKey);
    const hi = query.beforeSeq === undefined ? source.length : lowerBound(source, query.beforeSeq, bySeqKey);
    const limit = query.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, query.limit);
    const out: StoredMessage[] = [];
    const asc = query.order === "asc";
    for (let k = 0; k < hi - lo && out.length < limit; k++) {
      const rec = source[asc ? lo + k : hi - 1 - k] as MessageRecord;
      if (address !== undefined && rec.mailbox.address !== address) continue;
      out.push(messageView(rec, state.run.id));
    }
    return out;
  }

  async mailboxIndex(runId: string, mailboxId: string): Promise<MailboxEntry[]> {
    return this.#mailbox(this.#state(runId), mailboxId).index.map(entryView);
  }

  async updateFlags(
    runId: string,
    messageIds: string[],
    input: UpdateFlagsInput,
  ): Promise<UpdateFlagsResult> {
    const state = this.#state(runId);
    const flags = normalizeFlags(input?.flags);
    const result: UpdateFlagsResult = { updated: [], conflicts: [] };
    for (const rec of this.#records(state, messageIds)) {
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
      result.updated.push({ messageId: rec.id, uid: rec.uid, flags: [...next], modSeq: rec.modSeq });
      this.#emit(state, {
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

  async copyMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult> {
    const state = this.#state(runId);
    const dest = this.#mailbox(state, destMailboxId);
    const recs = this.#records(state, messageIds);
    this.#checkQuota(
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
      this.#insert(state, rec);
      mapping.push({ messageId: src.id, uid: src.uid, newMessageId: rec.id, newUid: rec.uid });
      this.#emitAdded(state, rec);
    }
    return { uidValidity: dest.uidValidity, mapping };
  }

  async moveMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult> {
    const state = this.#state(runId);
    const dest = this.#mailbox(state, destMailboxId);
    const recs = this.#records(state, messageIds);
    for (const [mb, group] of groupByMailbox(recs)) removeSorted(mb.index, group, byUidKey);
    const mapping: CopyResult["mapping"] = [];
    for (const rec of recs) {
      const from = rec.mailbox;
      const fromUid = rec.uid;
      const seen = hasSeen(rec.flags);
      if (!seen) from.unseen--;
      rec.mailbox = dest;
      rec.uid = dest.uidNext++;
      rec.modSeq = from.highestModSeq = dest.highestModSeq = ++state.seq;
      insertSorted(dest.index, rec, byUidKey);
      if (!seen) dest.unseen++;
      mapping.push({ messageId: rec.id, uid: fromUid, newMessageId: rec.id, newUid: rec.uid });
      this.#emit(state, {
        type: "message.moved",
        runId: state.run.id,
        seq: rec.modSeq,
        messageId: rec.id,
        address: dest.address,
        fromMailboxId: from.id,
        fromUid,
        mailboxId: dest.id,
        uid: rec.uid,
        flags: [...rec.flags],
        modSeq: rec.modSeq,
      });
    }
    return { uidValidity: dest.uidValidity, mapping };
  }

  async deleteMessages(runId: string, messageIds: string[]): Promise<number> {
    const state = this.#state(runId);
    const recs = this.#records(state, messageIds);
    for (const [mb, group] of groupByMailbox(recs)) removeSorted(mb.index, group, byUidKey);
    removeSorted(state.bySeq, recs, bySeqKey);
    for (const rec of recs) {
      const mb = rec.mailbox;
      state.messages.delete(rec.id);
      state.bytes -= rec.raw.length;
      if (!hasSeen(rec.flags)) mb.unseen--;
      const seq = ++state.seq;
      mb.highestModSeq = seq;
      this.#emit(state, {
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
    return recs.length;
  }

  async claimRecent(runId: string, mailboxId: string, upToUid?: number): Promise<number> {
    const mb = this.#mailbox(this.#state(runId), mailboxId);
    const before = mb.recentClaimed;
    const limit = upToUid === undefined ? Number.POSITIVE_INFINITY : Number(upToUid) || 0;
    mb.recentClaimed = Math.max(before, Math.min(mb.uidNext - 1, limit));
    return before;
  }

  async currentSeq(runId: string): Promise<number> {
    return this.#state(runId).seq;
  }

  async eventsSince(runId: string, afterSeq: number, limit?: number): Promise<StoreEvent[]> {
    const events = this.#state(runId).events;
    const from = lowerBound(events, (Number(afterSeq) || 0) + 1, (e) => e.seq);
    const to = limit === undefined ? events.length : Math.min(events.length, from + Math.max(0, limit));
    return events.slice(from, to);
  }

  async subscribe(runId: string, listener: StoreListener): Promise<() => void> {
    if (typeof listener !== "function")
      throw new SandmailError("invalid_request", "listener must be a function");
    const state = this.#state(runId);
    // A wrapper, so the same function subscribed twice is two subscriptions.
    const entry: StoreListener = (e) => listener(e);
    state.listeners.add(entry);
    return () => {
      state.listeners.delete(entry);
    };
  }

  async setDnsRecords(runId: string, records: DnsRecord[]): Promise<void> {
    const state = this.#state(runId);
    state.dns = normalizeDnsRecords(records);
  }

  async getDnsRecords(runId: string): Promise<DnsRecord[]> {
    return this.#state(runId).dns.map((r) => ({ ...r, values: [...r.values] }));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
  }

  #live(runId: string): RunState | undefined {
    if (typeof runId !== "string") return undefined;
    const state = this.#runs.get(runId);
    if (state && this.#now() >= state.run.expiresAt.getTime()) {
      this.#drop(state);
      return undefined;
    }
    return state;
  }

  #state(runId: string): RunState {
    const state = this.#live(runId);
    if (!state) throw new SandmailError("run_not_found", `run ${String(runId)} not found`);
    return state;
  }

  #drop(state: RunState): void {
    if (this.#runs.get(state.run.id) !== state) return;
    this.#runs.delete(state.run.id);
    this.#emit(state, { type: "run.deleted", runId: state.run.id, seq: ++state.seq });
    state.listeners.clear();
    // Release the mail now rather than when the last stray reference to the state goes.
    state.messages.clear();
    state.bySeq = [];
    state.mailboxes.clear();
    state.inboxes.clear();
    state.events = [];
  }

  #mailbox(state: RunState, mailboxId: string): MailboxRecord {
    const mb = state.mailboxes.get(mailboxId);
    if (!mb) throw new SandmailError("mailbox_not_found", `no mailbox ${String(mailboxId)}`);
    return mb;
  }

  /** Distinct existing messages, in the order given. */
  #records(state: RunState, messageIds: string[]): MessageRecord[] {
    const seen = new Set<MessageRecord>();
    for (const id of checkIds(messageIds)) {
      const rec = state.messages.get(id);
      if (rec) seen.add(rec);
    }
    return [...seen];
  }

  #checkQuota(state: RunState, messages: number, bytes: number): void {
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
  }

  #insert(state: RunState, rec: MessageRecord): void {
    state.messages.set(rec.id, rec);
    insertSorted(state.bySeq, rec, bySeqKey);
    insertSorted(rec.mailbox.index, rec, byUidKey);
    state.bytes += rec.raw.length;
    rec.mailbox.highestModSeq = rec.modSeq;
    if (!hasSeen(rec.flags)) rec.mailbox.unseen++;
  }

  #ensureInbox(state: RunState, address: string): InboxRecord {
    let inbox = state.inboxes.get(address);
    if (inbox) return inbox;
    inbox = { address, byName: new Map(), subscribed: new Set() };
    state.inboxes.set(address, inbox);
    for (const folder of DefaultFolders) {
      this.#newMailbox(state, inbox, folder.name, folder.specialUse);
      inbox.subscribed.add(folder.name);
    }
    return inbox;
  }

  #createParents(state: RunState, inbox: InboxRecord, name: string): void {
    for (const parent of parentNames(name)) {
      if (!inbox.byName.has(parent)) this.#newMailbox(state, inbox, parent);
    }
  }

  #newMailbox(state: RunState, inbox: InboxRecord, name: string, specialUse?: SpecialUse): MailboxRecord {
    const seq = ++state.seq;
    this.#lastUidValidity = Math.max(this.#lastUidValidity + 1, Math.floor(this.#now() / 1000));
    const mb: MailboxRecord = {
      id: `mb${(++state.mailboxCounter).toString(36)}`,
      address: inbox.address,
      name,
      specialUse,
      uidValidity: this.#lastUidValidity,
      uidNext: 1,
      highestModSeq: seq,
      unseen: 0,
      recentClaimed: 0,
      index: [],
    };
    inbox.byName.set(name, mb);
    state.mailboxes.set(mb.id, mb);
    this.#emit(state, {
      type: "mailbox.created",
      runId: state.run.id,
      seq,
      mailboxId: mb.id,
      address: mb.address,
      name,
    });
    return mb;
  }

  /** RFC 3501 §6.3.5: INBOX's messages move to the new folder and INBOX stays, empty. */
  #renameInbox(state: RunState, inbox: InboxRecord, src: MailboxRecord, dst: string): MailboxRecord {
    this.#createParents(state, inbox, dst);
    const dest = this.#newMailbox(state, inbox, dst);
    dest.uidNext = src.uidNext;
    const moving = src.index;
    src.index = [];
    src.unseen = 0;
    for (const rec of moving) {
      rec.mailbox = dest;
      rec.modSeq = src.highestModSeq = dest.highestModSeq = ++state.seq;
      dest.index.push(rec);
      if (!hasSeen(rec.flags)) dest.unseen++;
      this.#emit(state, {
        type: "message.moved",
        runId: state.run.id,
        seq: rec.modSeq,
        messageId: rec.id,
        address: dest.address,
        fromMailboxId: src.id,
        fromUid: rec.uid,
        mailboxId: dest.id,
        uid: rec.uid,
        flags: [...rec.flags],
        modSeq: rec.modSeq,
      });
    }
    return dest;
  }

  #emitAdded(state: RunState, rec: MessageRecord): void {
    this.#emit(state, {
      type: "message.added",
      runId: state.run.id,
      seq: rec.seq,
      messageId: rec.id,
      mailboxId: rec.mailbox.id,
      address: rec.mailbox.address,
      uid: rec.uid,
      flags: [...rec.flags],
      modSeq: rec.modSeq,
    });
  }

  #emit(state: RunState, event: StoreEvent): void {
    state.events.push(event);
    // Trim in batches so the log stays amortised O(1) per event.
    if (state.events.length > EVENTS_KEPT + 1000) state.events.splice(0, state.events.length - EVENTS_KEPT);
    if (state.listeners.size === 0) return;
    const listeners = [...state.listeners];
    // After the change is applied and the caller's synchronous code has run, in seq order.
    queueMicrotask(() => {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A failing subscriber must not break the writer or the other subscribers.
        }
      }
    });
  }
}

function sumOf<T>(items: T[], f: (item: T) => number): number {
  let n = 0;
  for (const item of items) n += f(item);
  return n;
}

function copyRun(run: Run): Run {
  return { ...run, limits: { ...run.limits } };
}

function groupByMailbox(recs: MessageRecord[]): Map<MailboxRecord, MessageRecord[]> {
  const groups = new Map<MailboxRecord, MessageRecord[]>();
  for (const rec of recs) {
    const group = groups.get(rec.mailbox);
    if (group) group.push(rec);
    else groups.set(rec.mailbox, [rec]);
  }
  return groups;
}
