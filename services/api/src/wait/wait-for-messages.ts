import { isSandmailError, loopBusy, type Run, SandmailError, type StoredMessage } from "@sandmail/core";
import type { ParsedMessage } from "@sandmail/mime";
import type { MailStore, PassedMessages, ScannedMessage, ScanPrefilter } from "@sandmail/store";
import type { ParsedMessages } from "../views/parsed-messages.js";
import { wholeCount } from "./answer-budget.js";
import { type Criteria, matchMessage } from "./criteria.js";
import type { FeedItem, RunFeeds } from "./run-feeds.js";
import type { ScanMark } from "./scan-marks.js";

export type Expectation = "some" | "none";

export interface WaitRequest {
  run: Run;
  criteria: Criteria;
  /** How many matching messages end the wait (expect "some"). */
  count: number;
  timeoutMs: number;
  /** "none": a negative test; any match ends the wait at once. */
  expect: Expectation;
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal;
  /**
   * Where earlier waits with these criteria found no match (see scan-marks.ts): the first scan
   * starts past it, and raises it as it finds none. Only for criteria that read content alone.
   */
  mark?: ScanMark;
}

export interface WaitDeps {
  store: MailStore;
  feeds: RunFeeds;
  parsed: ParsedMessages;
}

const UNMATCHED_KEPT = 10;

export type WaitOutcome =
  /** `count` matches, in arrival order; their decoded views are in the parse cache. */
  | { kind: "matched"; messages: StoredMessage[] }
  /** expect "none" and nothing matched; `cursor` is the highest seq looked at (or `after`). */
  | { kind: "none"; cursor: number }
  | { kind: "unexpected"; message: StoredMessage }
  | {
      kind: "timeout";
      matched: StoredMessage[];
      /** The latest messages that did not match, newest first (at most UNMATCHED_KEPT). */
      unmatched: StoredMessage[];
      unmatchedCount: number;
    }
  | { kind: "aborted"; reason: unknown };

const SCAN_BATCH = 200;

/**
 * Decides one wait. Subscribes before it scans, so a message stored while the scan runs is seen
 * either by the scan or as an event, and events at or below the highest seq already looked at
 * are dropped (the dedupe). Everything runs as one chain of steps, so decisions see messages in
 * seq order however the store delivers them.
 */
export function waitForMessages(deps: WaitDeps, request: WaitRequest): Promise<WaitOutcome> {
  return new Wait(deps, request).run();
}

class Wait {
  // Highest seq looked at in order (stored messages scanned, then live arrivals).
  #high: number;
  // Where the first scan stopped: everything at or below was looked at, unless an event was lost.
  #scannedTo: number;
  #scanComplete = false;
  readonly #matched = new Map<number, StoredMessage>();
  // The latest non-matches, oldest first: the message, or its id when the store's scan saw it.
  readonly #unmatched: Array<StoredMessage | string> = [];
  #unmatchedCount = 0;
  #live = false;
  readonly #early: FeedItem[] = [];
  #chain: Promise<void> = Promise.resolve();
  // Steps queued or running.
  #pending = 0;
  #settle: ((outcome: WaitOutcome) => void) | undefined;
  #fail: ((err: unknown) => void) | undefined;
  #done = false;

  // The mark, when this wait's look at the history starts at or below it (`after` <= the mark):
  // only then does finding nothing tell anything about the messages up to the mark's seq.
  #mark: ScanMark | undefined;

  constructor(
    private readonly deps: WaitDeps,
    private readonly req: WaitRequest,
  ) {
    this.#high = req.criteria.after;
    this.#scannedTo = req.criteria.after;
    if (req.mark && req.mark.from >= req.criteria.after) this.#mark = req.mark;
    this.#prefilter = { ...req.criteria.needles, passed: (messages) => this.#notePassed(messages) };
  }

  async run(): Promise<WaitOutcome> {
    const { signal } = this.req;
    if (signal.aborted) return { kind: "aborted", reason: signal.reason };
    const outcome = new Promise<WaitOutcome>((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    const onAbort = () => this.#finish({ kind: "aborted", reason: signal.reason });
    signal.addEventListener("abort", onAbort, { once: true });
    let leave: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      leave = await this.deps.feeds.join(this.req.run.id, (item) => this.#onEvent(item));
      if (this.#done) return await outcome;
      timer = setTimeout(() => this.#step(() => this.#expire()), this.req.timeoutMs);
      this.#step(async () => {
        await this.#firstScan();
        this.#live = true;
        for (const item of this.#early.splice(0)) await this.#handle(item);
        await this.#decide();
      });
      return await outcome;
    } finally {
      this.#done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      leave?.();
    }
  }

  #finish(outcome: WaitOutcome): void {
    if (this.#done) return;
    this.#done = true;
    this.#settle?.(outcome);
  }

  #step(work: () => Promise<void>): void {
    this.#pending++;
    this.#chain = this.#chain.then(async () => {
      try {
        if (!this.#done) await work();
      } catch (err) {
        if (this.#done) return;
        this.#done = true;
        this.#fail?.(err);
      } finally {
        this.#pending--;
      }
    });
  }

  #onEvent(item: FeedItem): void {
    if (this.#done) return;
    // Until the first scan is over, arrivals wait: the scan decides about older messages first.
    if (!this.#live) this.#early.push(item);
    // Most arrivals concern most waits not at all: settle those at once, without a step, so a
    // thousand waits on a run cost little per message. Only when no step is queued, so seq order holds.
    else if (this.#pending > 0 || !this.#settledAtOnce(item))
      this.#step(async () => {
        await this.#handle(item);
        await this.#decide();
      });
  }

  /** True when the event needs nothing more: already seen, irrelevant, or a plain non-match. */
  #settledAtOnce({ event, message }: FeedItem): boolean {
    switch (event.type) {
      case "message.added": {
        if (event.seq <= this.#high) return true;
        if (!message || this.req.criteria.needsContent || this.req.criteria.matchesStored(message))
          return false;
        this.#high = event.seq;
        this.#noteUnmatched(message);
        return true;
      }
      case "message.flags":
      case "message.moved":
        return !this.req.criteria.dependsOnState;
      case "message.expunged":
        return this.#matched.size === 0;
      case "run.deleted":
        return false;
      default:
        return true;
    }
  }

  async #handle({ event, message: msg }: FeedItem): Promise<void> {
    switch (event.type) {
      case "message.added": {
        if (event.seq <= this.#high) return;
        if (msg) await this.#consider(msg);
        else this.#high = Math.max(this.#high, event.seq);
        return;
      }
      case "message.flags":
      case "message.moved": {
        // Read state or folder changed: a message that did not match may now, and the reverse
        // is caught when deciding.
        if (!this.req.criteria.dependsOnState) return;
        if (!msg || msg.seq > this.#high || msg.seq <= this.req.criteria.after) return;
        if (this.#matched.has(msg.seq) || (await this.#matches(msg))) this.#matched.set(msg.seq, msg);
        return;
      }
      case "message.expunged": {
        for (const [seq, m] of this.#matched) if (m.id === event.messageId) this.#matched.delete(seq);
        return;
      }
      case "run.deleted":
        throw new SandmailError("run_not_found", `run ${this.req.run.id} was deleted while waiting`);
      default:
        return;
    }
  }

  async #matches(msg: StoredMessage): Promise<boolean> {
    try {
      return await matchMessage(this.req.criteria, msg, () => this.#content(msg));
    } catch (err) {
      // Deleted between listing and decoding: as if it never came.
      if (isSandmailError(err, "message_not_found")) return false;
      throw err;
    }
  }

  async #content(msg: StoredMessage): Promise<ParsedMessage> {
    return (await this.deps.parsed.get(this.req.run, msg)).parsed;
  }

  /** Looks at one message above the high-water mark (or one a lost event skipped). */
  async #consider(msg: StoredMessage): Promise<void> {
    const fresh = msg.seq > this.#high;
    if (fresh) this.#high = msg.seq;
    if (this.#matched.has(msg.seq)) return;
    if (await this.#matches(msg)) {
      this.#matched.set(msg.seq, msg);
    } else if (fresh) {
      this.#noteUnmatched(msg);
    }
  }

  #noteUnmatched(msg: StoredMessage | string): void {
    this.#unmatchedCount++;
    this.#unmatched.push(msg);
    if (this.#unmatched.length > UNMATCHED_KEPT) this.#unmatched.shift();
  }

  #wanted(): number {
    return this.req.expect === "none" ? 1 : this.req.count;
  }

  #enough(): boolean {
    return this.#matched.size >= this.#wanted();
  }

  /**
   * The look at stored mail. With a mark, after the waits with the same criteria queued before
   * this one (which raise the mark as they go), from the mark: so many waiters arriving at once
   * with the same criteria scan the history once between them, not once each.
   */
  async #firstScan(): Promise<void> {
    const mark = this.#mark;
    if (!mark) return this.#scan(this.#scannedTo, true);
    await mark.exclusive(async () => {
      if (this.#done) return;
      // Messages up to the mark are known not to match: as good as looked at.
      this.#high = this.#scannedTo = Math.max(this.#scannedTo, mark.from);
      await this.#scan(this.#scannedTo, true);
    });
  }

  /** Stored messages above `from` in seq order; the first scan stops once the answer is known. */
  async #scan(from: number, first: boolean): Promise<void> {
    let after = from;
    for (;;) {
      const step = this.req.criteria.needsContent
        ? await this.#readPage(after, first)
        : await this.#testInStore(after, first);
      after = step.scannedTo;
      if (first && this.#enough()) {
        this.#scannedTo = after;
        return;
      }
      if (step.done) break;
      if (first && this.#matched.size === 0) this.#mark?.raise(after);
      // A long history is read a slice per turn of the event loop, so other requests, SMTP and
      // IMAP get it in between; a waiter that left stops the scan.
      if (loopBusy()) await new Promise((resolve) => setImmediate(resolve));
      if (this.#done) return;
    }
    if (first) {
      this.#scannedTo = Math.max(after, from);
      this.#scanComplete = true;
      if (this.#matched.size === 0) this.#mark?.raise(this.#scannedTo);
    }
  }

  /** Criteria that read content: a page of stored messages, each looked at (and decoded if need be). */
  async #readPage(after: number, first: boolean): Promise<{ scannedTo: number; done: boolean }> {
    const { run, criteria } = this.req;
    const batch = await this.deps.store.listMessages(run.id, {
      order: "asc",
      afterSeq: after,
      limit: SCAN_BATCH,
      ...criteria.source,
    });
    let scannedTo = after;
    for (const msg of batch) {
      await this.#consider(msg);
      scannedTo = msg.seq;
      if (first && this.#enough()) break;
    }
    return { scannedTo, done: batch.length < SCAN_BATCH };
  }

  /**
   * Criteria on stored fields alone: the store tests its records in place (#testStored), a slice
   * of the history per call, and hands over only the matches; the first scan stops at enough.
   */
  async #testInStore(after: number, first: boolean): Promise<{ scannedTo: number; done: boolean }> {
    const { run, criteria } = this.req;
    const { matched, scannedTo, done } = await this.deps.store.scanMessages(
      run.id,
      { afterSeq: after, ...criteria.source },
      this.#testStored,
      first
        ? { limit: this.#wanted() - this.#matched.size, prefilter: this.#prefilter }
        : { prefilter: this.#prefilter },
    );
    for (const msg of matched) if (!this.#matched.has(msg.seq)) this.#matched.set(msg.seq, msg);
    return { scannedTo, done };
  }

  /**
   * #consider for criteria on stored fields alone: the same bookkeeping, synchronously, on a record the store lends for the
   * call; a non-match is remembered by id (the report reads the few it shows at the end).
   */
  readonly #testStored = (msg: ScannedMessage): boolean => {
    const fresh = msg.seq > this.#high;
    if (fresh) this.#high = msg.seq;
    if (this.#matched.has(msg.seq)) return false;
    if (this.req.criteria.matchesStored(msg)) return true;
    if (fresh) this.#noteUnmatched(msg.id);
    return false;
  };

  /**
   * What #testStored requires of the texts (the criteria's needles): messages the store passes
   * over for lacking it are non-matches, noted as #testStored notes them.
   */
  readonly #prefilter: ScanPrefilter;

  /** #testStored's bookkeeping for a run of messages it would have turned down: the fresh ones are non-matches. */
  #notePassed(messages: PassedMessages): void {
    const { count } = messages;
    if (count === 0 || messages.seq(count - 1) <= this.#high) return;
    // The first above #high (seqs ascend).
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (messages.seq(mid) > this.#high) hi = mid;
      else lo = mid + 1;
    }
    this.#high = messages.seq(count - 1);
    // Only the newest few are kept: the others only count.
    const kept = Math.max(lo, count - UNMATCHED_KEPT);
    this.#unmatchedCount += kept - lo;
    for (let i = kept; i < count; i++) this.#noteUnmatched(messages.id(i));
  }

  /**
   * Looks again at everything after the first scan: messages past an early stop, and any whose
   * event a store reconnect lost. Re-checking a message is harmless: a match is kept by seq.
   */
  async #catchUp(): Promise<void> {
    await this.#scan(this.#scannedTo, false);
    this.#scanComplete = true;
  }

  /** Answers when enough matches still hold; drops those read, moved or deleted since. */
  async #decide(): Promise<boolean> {
    const wanted = this.#wanted();
    // Each round either answers or drops at least one match, so this ends.
    while (this.#matched.size >= wanted) {
      const picked = [...this.#matched.values()].sort((a, b) => a.seq - b.seq).slice(0, wanted);
      // Read state and folder can change after arrival: read them again. Otherwise the record in
      // hand will do, and decoding it below proves it still exists. Messages the answer leaves
      // out for size are not decoded at all; reading them again proves they exist.
      const whole = wholeCount(picked);
      const current =
        this.req.criteria.dependsOnState || whole < picked.length
          ? await this.deps.store.getMessages(
              this.req.run.id,
              picked.map((m) => m.id),
            )
          : picked;
      const kept: StoredMessage[] = [];
      for (const [i, old] of picked.entries()) {
        const msg = current[i];
        if (msg && this.req.criteria.matchesStored(msg) && (i >= whole || (await this.#decodable(msg)))) {
          this.#matched.set(msg.seq, msg);
          kept.push(msg);
        } else {
          this.#matched.delete(old.seq);
        }
      }
      if (kept.length === picked.length) {
        if (this.req.expect === "none")
          this.#finish({ kind: "unexpected", message: kept[0] as StoredMessage });
        else this.#finish({ kind: "matched", messages: kept });
        return true;
      }
      // Messages past an early stop of the first scan may take the place of those dropped.
      if (!this.#scanComplete) await this.#catchUp();
    }
    return false;
  }

  /** Warms the parse cache for the answer; false when the message vanished meanwhile. */
  async #decodable(msg: StoredMessage): Promise<boolean> {
    try {
      await this.deps.parsed.get(this.req.run, msg);
      return true;
    } catch (err) {
      if (isSandmailError(err, "message_not_found")) return false;
      throw err;
    }
  }

  /** The latest non-matches, newest first; those known by id are read now (gone ones left out). */
  async #unmatchedMessages(): Promise<StoredMessage[]> {
    const ids = this.#unmatched.filter((m): m is string => typeof m === "string");
    const read = ids.length ? await this.deps.store.getMessages(this.req.run.id, ids) : [];
    const byId = new Map(read.flatMap((m) => (m ? [[m.id, m] as const] : [])));
    return this.#unmatched.flatMap((m) => (typeof m === "string" ? (byId.get(m) ?? []) : [m])).reverse();
  }

  async #expire(): Promise<void> {
    await this.#catchUp();
    if (await this.#decide()) return;
    if (this.#matched.size === 0) this.#mark?.raise(this.#high);
    if (this.req.expect === "none") {
      this.#finish({ kind: "none", cursor: this.#high });
      return;
    }
    this.#finish({
      kind: "timeout",
      matched: [...this.#matched.values()].sort((a, b) => a.seq - b.seq),
      unmatched: await this.#unmatchedMessages(),
      unmatchedCount: this.#unmatchedCount,
    });
  }
}
