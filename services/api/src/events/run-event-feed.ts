import type { StoreEvent } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { EventFilter } from "./event-filter.js";

/** Sent instead of events that can no longer be replayed; the client must re-read its state. */
export interface ResetNotice {
  type: "reset";
  /** `expired`: the store no longer keeps events that old. `unknown`: ahead of the run's counter. */
  reason: "expired" | "unknown";
  /** The position the stream was asked to resume from. */
  requested: number;
  /** The run's seq the stream continues after. */
  seq: number;
}

/** Where the feed's output goes (the SSE channel, in the API). */
export interface FeedOutput {
  /** Forwards events (already filtered, in seq order); resolves when more may be sent. */
  events(events: StoreEvent[]): Promise<void>;
  reset(notice: ResetNotice): Promise<void>;
  /** The run is gone: nothing will follow. */
  end(): void;
  /** A store failure stopped the feed; the client should reconnect and resume. */
  fail(err: unknown): void;
}

export interface RunEventFeedOptions {
  store: MailStore;
  runId: string;
  filter: EventFilter;
  output: FeedOutput;
  /** Events read per eventsSince call while catching up. */
  pageSize?: number;
  /**
   * Live events held while the output is busy (a slow reader). Past this they are dropped and
   * read back from the store's event log once the reader catches up, so memory stays bounded.
   */
  maxQueued?: number;
}

/**
 * A run's events from a given position on, each exactly once and in seq order.
 *
 * The subscription is made first, then the store's log is replayed, then live events follow;
 * anything at or below the position already forwarded is dropped (dedupe by seq). Seqs are
 * dense (every change of a run takes the next counter value and announces it), so a live event
 * more than one ahead means some were missed (e.g. a pub/sub message lost while Redis
 * reconnected); the gap is read back from the log. When the log no longer reaches back far
 * enough, the output gets a reset notice instead of a silent gap.
 */
export class RunEventFeed {
  readonly #store: MailStore;
  readonly #runId: string;
  readonly #filter: EventFilter;
  readonly #output: FeedOutput;
  readonly #pageSize: number;
  readonly #maxQueued: number;
  readonly #queue: StoreEvent[] = [];
  // Seq of the last event handled (forwarded or filtered out).
  #position = 0;
  // The live queue cannot be trusted to follow on from #position: read the log first.
  #behind = false;
  #pumping = false;
  // Set once the position is known; live events arriving before that only queue up.
  #started = false;
  #closed = false;
  #unsubscribe: (() => void) | undefined;
  #pendingReset: ResetNotice | undefined;

  constructor(options: RunEventFeedOptions) {
    this.#store = options.store;
    this.#runId = options.runId;
    this.#filter = options.filter;
    this.#output = options.output;
    this.#pageSize = options.pageSize ?? 500;
    this.#maxQueued = options.maxQueued ?? 10_000;
  }

  /** The seq up to which every event has been handled. */
  get position(): number {
    return this.#position;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Subscribes, then starts forwarding: after `after` when given (replaying the log), otherwise
   * from now on. Rejects when the store cannot subscribe.
   */
  async start(after: number | undefined): Promise<void> {
    const unsubscribe = await this.#store.subscribe(this.#runId, (event) => this.#onLive(event));
    if (this.#closed) {
      unsubscribe();
      return;
    }
    this.#unsubscribe = unsubscribe;
    const current = await this.#store.currentSeq(this.#runId);
    if (after === undefined) {
      this.#position = current;
    } else if (after > current) {
      this.#position = current;
      // Sent by the pump, like everything else: the output may not be ready before start() returns.
      this.#pendingReset = { type: "reset", reason: "unknown", requested: after, seq: current };
    } else {
      this.#position = after;
      this.#behind = true;
    }
    this.#started = true;
    this.#kick();
  }

  /** Ends the subscription; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #onLive(event: StoreEvent): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#maxQueued) {
      this.#queue.length = 0;
      this.#behind = true;
    } else {
      this.#queue.push(event);
    }
    this.#kick();
  }

  #kick(): void {
    if (this.#pumping || this.#closed || !this.#started) return;
    this.#pumping = true;
    this.#pump()
      .catch((err: unknown) => {
        if (this.#closed) return;
        this.close();
        this.#output.fail(err);
      })
      .finally(() => {
        this.#pumping = false;
        // Events that arrived while the last step was finishing.
        if (this.#queue.length > 0 || this.#behind || this.#pendingReset) this.#kick();
      });
  }

  async #pump(): Promise<void> {
    while (!this.#closed) {
      if (this.#pendingReset) {
        const notice = this.#pendingReset;
        this.#pendingReset = undefined;
        await this.#output.reset(notice);
        continue;
      }
      if (this.#behind) {
        this.#behind = false;
        await this.#catchUp();
        continue;
      }
      const batch = this.#takeContiguous();
      if (batch === undefined) return;
      await this.#forward(batch);
    }
  }

  /**
   * The queued events that follow on from the position, up to a page. Undefined when the queue
   * holds nothing new; marks the feed behind when it starts past a gap.
   */
  #takeContiguous(): StoreEvent[] | undefined {
    const batch: StoreEvent[] = [];
    let next = this.#position + 1;
    while (this.#queue.length > 0 && batch.length < this.#pageSize) {
      const event = this.#queue[0] as StoreEvent;
      if (event.seq < next) {
        this.#queue.shift();
        continue;
      }
      if (event.seq > next) {
        // Missed events: the log has them (or says they are gone). The queued ones stay, and
        // are dropped as duplicates once the catch-up has passed them.
        if (batch.length === 0) this.#behind = true;
        break;
      }
      batch.push(event);
      this.#queue.shift();
      next++;
    }
    if (batch.length > 0) return batch;
    return this.#behind ? [] : undefined;
  }

  /** Replays the log after the position, page by page, up to its newest event. */
  async #catchUp(): Promise<void> {
    const requested = this.#position;
    for (;;) {
      const page = await this.#store.eventsSince(this.#runId, this.#position, this.#pageSize);
      if (this.#closed) return;
      const first = page[0];
      if (first && first.seq > this.#position + 1) {
        // Trimmed from the log before we got there: events are lost for this client.
        const current = await this.#store.currentSeq(this.#runId);
        if (this.#closed) return;
        this.#position = Math.max(this.#position, current);
        await this.#output.reset({ type: "reset", reason: "expired", requested, seq: this.#position });
        return;
      }
      await this.#forward(page);
      if (page.length < this.#pageSize) return;
    }
  }

  async #forward(events: StoreEvent[]): Promise<void> {
    if (events.length === 0 || this.#closed) return;
    const deletedAt = events.findIndex((e) => e.type === "run.deleted");
    const handled = deletedAt === -1 ? events : events.slice(0, deletedAt + 1);
    const passing = handled.filter(this.#filter);
    if (passing.length > 0) await this.#output.events(passing);
    if (this.#closed) return;
    this.#position = (handled[handled.length - 1] as StoreEvent).seq;
    if (deletedAt !== -1) {
      this.close();
      this.#output.end();
    }
  }
}
