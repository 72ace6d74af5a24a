import type { StoreEvent } from "@sandmail/core";
import { MemoryStore, type StoreListener } from "@sandmail/store";
import { afterEach, describe, expect, it } from "vitest";
import { eventFilter } from "../src/events/event-filter.js";
import { type FeedOutput, type ResetNotice, RunEventFeed } from "../src/events/run-event-feed.js";
import { seed } from "./helpers.js";

/** Collects what a feed forwards; `slow` holds each delivery until released. */
class Recorder implements FeedOutput {
  readonly seqs: number[] = [];
  readonly resets: ResetNotice[] = [];
  ended = false;
  failure: unknown;
  slow: Promise<void> | undefined;
  readonly #waiters = new Set<() => void>();

  async events(events: StoreEvent[]): Promise<void> {
    await this.slow;
    for (const e of events) this.seqs.push(e.seq);
    this.#wake();
  }
  async reset(notice: ResetNotice): Promise<void> {
    this.resets.push(notice);
    this.#wake();
  }
  end(): void {
    this.ended = true;
    this.#wake();
  }
  fail(err: unknown): void {
    this.failure = err;
    this.#wake();
  }
  /** Resolves once the last forwarded seq is `seq`. */
  reached(seq: number): Promise<void> {
    return this.until(() => this.seqs[this.seqs.length - 1] === seq);
  }
  until(ready: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.failure) reject(this.failure);
        else if (ready()) resolve();
        else return;
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }
  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * A real MemoryStore with hooks into the moments that matter: mail arriving while the feed is
 * between subscribing and reading the counter, and live deliveries that get lost (as pub/sub
 * messages are while Redis reconnects).
 */
class InterleavingStore extends MemoryStore {
  beforeCurrentSeq: (() => Promise<void>) | undefined;
  dropLive: ((event: StoreEvent) => boolean) | undefined;
  logReads = 0;

  override eventsSince(runId: string, afterSeq: number, limit?: number): Promise<StoreEvent[]> {
    this.logReads++;
    return super.eventsSince(runId, afterSeq, limit);
  }

  override async currentSeq(runId: string): Promise<number> {
    const hook = this.beforeCurrentSeq;
    this.beforeCurrentSeq = undefined;
    await hook?.();
    return super.currentSeq(runId);
  }

  override subscribe(runId: string, listener: StoreListener): Promise<() => void> {
    return super.subscribe(runId, (e) => {
      if (!this.dropLive?.(e)) listener(e);
    });
  }
}

describe("RunEventFeed: subscribe, replay, dedupe", () => {
  const feeds: RunEventFeed[] = [];
  const stores: MemoryStore[] = [];
  afterEach(async () => {
    for (const f of feeds.splice(0)) f.close();
    for (const s of stores.splice(0)) await s.close();
  });

  async function setup(options: { maxQueued?: number; pageSize?: number; types?: string } = {}) {
    const store = new InterleavingStore();
    stores.push(store);
    const run = await store.createRun({ ttlSeconds: 60, limits: { maxMessages: 100_000, maxBytes: 1e9 } });
    const out = new Recorder();
    const feed = new RunEventFeed({
      store,
      runId: run.id,
      filter: eventFilter({ types: options.types }),
      output: out,
      ...options,
    });
    feeds.push(feed);
    return { store, run, out, feed };
  }

  it("mail arriving between subscribing and reading the counter is neither lost nor repeated", async () => {
    const { store, run, out, feed } = await setup();
    await seed(store, run, { subject: "before" });
    const after = await store.currentSeq(run.id);
    await seed(store, run, { subject: "missed while away" });
    // While the feed is starting, after its subscription is live: two more arrive.
    store.beforeCurrentSeq = async () => {
      await seed(store, run, { subject: "during start 1" });
      await seed(store, run, { subject: "during start 2" });
    };
    await feed.start(after);
    await seed(store, run, { subject: "after start" });
    const final = await store.currentSeq(run.id);
    await out.reached(final);
    expect(out.seqs).toEqual(range(after + 1, final));
  });

  it("without a position it starts at the counter, dropping what the subscription saw before", async () => {
    const { store, run, out, feed } = await setup();
    await seed(store, run);
    let during = 0;
    store.beforeCurrentSeq = async () => {
      during = (await seed(store, run, { subject: "during start" })).seq;
    };
    await feed.start(undefined);
    const next = await seed(store, run, { subject: "live" });
    await out.reached(next.seq);
    expect(out.seqs).toEqual([next.seq]);
    expect(during).toBeLessThan(next.seq);
  });

  it("a lost live delivery is read back from the log", async () => {
    const { store, run, out, feed } = await setup();
    const start = await store.currentSeq(run.id);
    await feed.start(start);
    await seed(store, run);
    let dropped = 0;
    store.dropLive = (e) => e.type === "message.added" && dropped++ < 3;
    await seed(store, run);
    await seed(store, run);
    await seed(store, run);
    store.dropLive = undefined;
    const last = await seed(store, run);
    await out.reached(last.seq);
    expect(dropped).toBe(3);
    // Every event after the start: the first message's new INBOX, then the messages.
    expect(out.seqs).toEqual(range(start + 1, last.seq));
  });

  it("a slow reader overflowing the queue gets every event once, in order, from the log", async () => {
    const { store, run, out, feed } = await setup({ maxQueued: 5, pageSize: 4 });
    const start = await store.currentSeq(run.id);
    await feed.start(start);
    let release!: () => void;
    out.slow = new Promise((resolve) => {
      release = resolve;
    });
    const reads = store.logReads;
    for (let i = 0; i < 31; i++) await seed(store, run);
    const final = await store.currentSeq(run.id);
    release();
    await out.reached(final);
    expect(out.seqs).toEqual(range(start + 1, final));
    // The overflow was read back from the log, page by page, instead of held in memory.
    expect(store.logReads - reads).toBeGreaterThanOrEqual(2);
  });

  it("filters what it forwards but still moves past filtered events", async () => {
    const { store, run, out, feed } = await setup({ types: "message.flags" });
    await feed.start(0);
    const msg = await seed(store, run);
    await store.updateFlags(run.id, [msg.id], { op: "add", flags: ["\\Seen"] });
    await out.reached(msg.seq + 1);
    expect(out.seqs).toEqual([msg.seq + 1]);
    // Filtered-out events count as handled: the position is past them (a heartbeat sends it).
    await store.updateFlags(run.id, [msg.id], { op: "add", flags: ["\\Flagged"] });
    await out.reached(msg.seq + 2);
    expect(feed.position).toBeGreaterThanOrEqual(msg.seq + 1);
  });

  it("ends after run.deleted and releases the subscription", async () => {
    const { store, run, out, feed } = await setup({ types: "message.added" });
    await feed.start(undefined);
    await seed(store, run);
    await store.deleteRun(run.id);
    await out.until(() => out.ended);
    expect(feed.closed).toBe(true);
    expect(out.seqs).toHaveLength(2);
  });
});
