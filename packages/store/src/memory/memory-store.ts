import type {
  ActiveFaults,
  ByteBudget,
  DnsRecord,
  FaultRule,
  FaultRuleState,
  Mailbox,
  Run,
  RunCounts,
  SessionSummary,
  SessionTranscript,
  StoredMessage,
  StoreEvent,
  TranscriptLimits,
} from "@sandmail/core";
import type {
  AppendInput,
  CopyResult,
  CreateRunInput,
  DeliveryInput,
  ExpungedUids,
  InboxInfo,
  MailStore,
  MessageParts,
  MessageQuery,
  RunListing,
  ScanOptions,
  ScanQuery,
  ScanTest,
  StoreListener,
  UpdateFlagsInput,
  UpdateFlagsResult,
} from "../contract.js";
import {
  checkAddress,
  checkAppend,
  checkDelivery,
  checkIds,
  checkModSeq,
  checkSession,
  expungedKept,
  normalizeDnsRecords,
} from "../shared/inputs.js";
import { scanLimit } from "../shared/scan.js";
import type { UidColumns } from "../shared/uid-columns.js";
import * as events from "./events.js";
import * as faults from "./faults.js";
import * as mailboxes from "./mailboxes.js";
import * as messages from "./messages.js";
import { copyRun, RunRegistry } from "./runs.js";
import type { RunState, StoreContext } from "./state.js";
import { MemoryWebhooks } from "./webhooks.js";

export interface MemoryStoreOptions {
  /** Clock in epoch milliseconds (tests move it to expire runs). */
  now?: () => number;
  /** How often expired runs are swept even when nobody touches them. */
  sweepIntervalMs?: number;
  /**
   * The process's memory budget: message bytes are charged to it as they are stored and
   * released as they go; an append that does not fit fails with `storage_full`.
   */
  budget?: ByteBudget;
  /** Runs held at once; creating one more fails with `too_many_runs`. */
  maxRuns?: number;
  /** Expunged UIDs each mailbox remembers for QRESYNC; default 10,000 (contract.ts `expungedSince`). */
  expungedKept?: number;
}

/**
 * The embedded MailStore: everything in this process's memory. This class checks inputs, finds
 * the run and hands over to the aggregate that owns the change: runs (runs.ts), inboxes and
 * folders (mailboxes.ts), messages (messages.ts), the event log (events.ts). Messages keep their
 * bytes in the run's slabs (raw-slabs.ts) and their metadata as fixed-shape literals; every read
 * builds a fresh view (views.ts).
 */
export class MemoryStore implements MailStore {
  readonly kind = "memory" as const;
  readonly #runs: RunRegistry;
  readonly #ctx: StoreContext;
  readonly #sweeper: NodeJS.Timeout;
  readonly webhooks: MemoryWebhooks;

  constructor(options: MemoryStoreOptions = {}) {
    const now = options.now ?? Date.now;
    // Store-wide so that a run deleted and created again never repeats a UIDVALIDITY.
    let lastUidValidity = 0;
    this.#ctx = {
      now,
      expungedKept: expungedKept(options.expungedKept),
      nextUidValidity: () => {
        lastUidValidity = Math.max(lastUidValidity + 1, Math.floor(now() / 1000));
        return lastUidValidity;
      },
    };
    this.#runs = new RunRegistry(now, {
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.maxRuns ? { maxRuns: options.maxRuns } : {}),
    });
    this.webhooks = new MemoryWebhooks(this.#runs, now);
    this.#sweeper = setInterval(() => this.sweepExpired(), options.sweepIntervalMs ?? 1000);
    this.#sweeper.unref();
  }

  /** Drops every run whose TTL has passed; returns how many. */
  sweepExpired(): number {
    return this.#runs.sweepExpired();
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    return this.#runs.create(input);
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const state = this.#runs.live(runId);
    return state ? copyRun(state.run) : undefined;
  }

  async deleteRun(runId: string): Promise<boolean> {
    const state = this.#runs.live(runId);
    if (!state) return false;
    this.#runs.drop(state);
    return true;
  }

  async runCounts(runId: string): Promise<RunCounts> {
    return countsOf(this.#runs.get(runId));
  }

  async listRuns(limit = 1000): Promise<RunListing[]> {
    return this.#runs.list(limit).map((state) => ({ run: copyRun(state.run), counts: countsOf(state) }));
  }

  async ensureInbox(runId: string, address: string): Promise<void> {
    mailboxes.ensureInbox(this.#ctx, this.#runs.get(runId), checkAddress(address));
  }

  async listInboxes(runId: string): Promise<InboxInfo[]> {
    return mailboxes.listInboxes(this.#runs.get(runId));
  }

  async listMailboxes(runId: string, address: string): Promise<Mailbox[]> {
    return mailboxes.listMailboxes(this.#ctx, this.#runs.get(runId), checkAddress(address));
  }

  async getMailbox(runId: string, address: string, name: string): Promise<Mailbox | undefined> {
    return mailboxes.findMailbox(this.#ctx, this.#runs.get(runId), checkAddress(address), name);
  }

  async getMailboxById(runId: string, mailboxId: string): Promise<Mailbox | undefined> {
    return mailboxes.findMailboxById(this.#runs.get(runId), mailboxId);
  }

  async createMailbox(runId: string, address: string, name: string): Promise<Mailbox> {
    const state = this.#runs.get(runId);
    return mailboxes.createMailbox(this.#ctx, state, checkAddress(address), name);
  }

  async deleteMailbox(runId: string, address: string, name: string): Promise<void> {
    const state = this.#runs.get(runId);
    mailboxes.deleteMailbox(this.#ctx, state, checkAddress(address), name);
  }

  async renameMailbox(runId: string, address: string, from: string, to: string): Promise<Mailbox> {
    const state = this.#runs.get(runId);
    return mailboxes.renameMailbox(this.#ctx, state, checkAddress(address), from, to);
  }

  async setSubscribed(runId: string, address: string, name: string, subscribed: boolean): Promise<void> {
    const state = this.#runs.get(runId);
    mailboxes.setSubscribed(this.#ctx, state, checkAddress(address), name, subscribed);
  }

  async appendMessage(runId: string, input: AppendInput): Promise<StoredMessage> {
    checkAppend(input);
    const state = this.#runs.get(runId);
    return messages.appendMessage(this.#ctx, state, checkAddress(input.address), input);
  }

  async appendDelivery(runId: string, input: DeliveryInput): Promise<StoredMessage[]> {
    const copies = checkDelivery(input);
    let kept: Buffer[] | undefined;
    if (input.body.length >= messages.ASSEMBLE_ASIDE_BYTES) {
      const aside = await messages.assembleCopies(this.#runs.get(runId), input, copies);
      // The atomic step below, in this same turn, charges what it keeps.
      aside.release();
      kept = aside.kept;
    }
    return messages.appendDelivery(this.#ctx, this.#runs.get(runId), input, copies, kept);
  }

  async getMessage(runId: string, messageId: string): Promise<StoredMessage | undefined> {
    return messages.getMessage(this.#runs.get(runId), messageId);
  }

  async getMessages(runId: string, messageIds: string[]): Promise<Array<StoredMessage | undefined>> {
    const state = this.#runs.get(runId);
    return checkIds(messageIds).map((id) => messages.getMessage(state, id));
  }

  async messageParts(runId: string, messageIds: string[]): Promise<Array<MessageParts | undefined>> {
    return this.getMessages(runId, messageIds);
  }

  async getRaw(runId: string, messageId: string): Promise<Buffer | undefined> {
    return this.#runs.get(runId).messages.get(messageId)?.raw;
  }

  async listMessages(runId: string, query: MessageQuery = {}): Promise<StoredMessage[]> {
    const state = this.#runs.get(runId);
    const address = query.address === undefined ? undefined : checkAddress(query.address);
    return messages.listMessages(state, query, address);
  }

  async scanMessages(runId: string, query: ScanQuery, test: ScanTest, options: ScanOptions = {}) {
    const state = this.#runs.get(runId);
    const address = query.address === undefined ? undefined : checkAddress(query.address);
    return messages.scanMessages(state, query, address, test, scanLimit(options.limit), options.prefilter);
  }

  async mailboxIndex(runId: string, mailboxId: string): Promise<UidColumns> {
    return messages.mailboxIndex(mailboxes.mailboxRecord(this.#runs.get(runId), mailboxId));
  }

  async expungedSince(runId: string, mailboxId: string, sinceModSeq: number): Promise<ExpungedUids> {
    const mb = mailboxes.mailboxRecord(this.#runs.get(runId), mailboxId);
    return messages.expungedSince(mb, checkModSeq(sinceModSeq));
  }

  async updateFlags(
    runId: string,
    messageIds: string[],
    input: UpdateFlagsInput,
  ): Promise<UpdateFlagsResult> {
    return messages.updateFlags(this.#runs.get(runId), messageIds, input);
  }

  async copyMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult> {
    const state = this.#runs.get(runId);
    return messages.copyMessages(state, messageIds, mailboxes.mailboxRecord(state, destMailboxId));
  }

  async moveMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult> {
    const state = this.#runs.get(runId);
    return messages.moveMessages(state, messageIds, mailboxes.mailboxRecord(state, destMailboxId));
  }

  async deleteMessages(runId: string, messageIds: string[]): Promise<number> {
    return messages.deleteMessages(this.#runs.get(runId), messageIds);
  }

  async claimRecent(runId: string, mailboxId: string, upToUid?: number): Promise<number> {
    return mailboxes.claimRecent(mailboxes.mailboxRecord(this.#runs.get(runId), mailboxId), upToUid);
  }

  async currentSeq(runId: string): Promise<number> {
    return this.#runs.get(runId).seq;
  }

  async eventsSince(runId: string, afterSeq: number, limit?: number): Promise<StoreEvent[]> {
    return events.eventsSince(this.#runs.get(runId), afterSeq, limit);
  }

  async subscribe(runId: string, listener: StoreListener): Promise<() => void> {
    return events.subscribe(this.#runs.get(runId), listener);
  }

  async setDnsRecords(runId: string, records: DnsRecord[]): Promise<void> {
    const state = this.#runs.get(runId);
    state.dns = normalizeDnsRecords(records);
  }

  async getDnsRecords(runId: string): Promise<DnsRecord[]> {
    return this.#runs.get(runId).dns.map((r) => ({ ...r, values: [...r.values] }));
  }

  async setFaults(runId: string, rules: FaultRule[]): Promise<FaultRuleState[]> {
    return faults.setFaults(this.#runs.get(runId), rules);
  }

  async getFaults(runId: string): Promise<FaultRuleState[]> {
    return faults.getFaults(this.#runs.get(runId));
  }

  async activeFaults(runId: string): Promise<ActiveFaults | undefined> {
    return this.#runs.live(runId)?.faults?.active;
  }

  async fireFault(runId: string, generation: number, index: number): Promise<boolean> {
    return faults.fireFault(this.#runs.get(runId), generation, index);
  }

  async greylistAttempt(runId: string, generation: number, index: number, key: string): Promise<number> {
    return faults.greylistAttempt(this.#runs.get(runId), this.#ctx.now(), generation, index, key);
  }

  async addSession(runId: string, session: SessionTranscript, limits: TranscriptLimits): Promise<void> {
    checkSession(session, limits);
    const state = this.#runs.get(runId);
    state.sessions.add(session, limits, state.budget);
  }

  async listSessions(runId: string): Promise<SessionSummary[]> {
    return this.#runs.get(runId).sessions.list();
  }

  async getSession(runId: string, sessionId: string): Promise<SessionTranscript | undefined> {
    return this.#runs.get(runId).sessions.get(sessionId);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
  }
}

function countsOf(state: RunState): RunCounts {
  return { messages: state.messages.size, bytes: state.bytes, inboxes: state.inboxes.size };
}
