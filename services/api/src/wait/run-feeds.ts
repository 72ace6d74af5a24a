import type { StoredMessage, StoreEvent } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";

/** One store event, with the current record of the message it concerns, fetched once for every listener. */
export interface FeedItem {
  event: StoreEvent;
  /** For message events: the message as stored now (undefined when gone or not a message event). */
  message: StoredMessage | undefined;
}

export type FeedListener = (item: FeedItem) => void;

interface Feed {
  listeners: Set<FeedListener>;
  /** Deliveries in event order, each after its message fetch. */
  delivered: Promise<void>;
  /** Settles once the store subscription is live. */
  live: Promise<void>;
  unsubscribe?: () => void;
  ended: boolean;
}

// Events whose message a wait looks at.
const fetches = new Set<StoreEvent["type"]>(["message.added", "message.flags", "message.moved"]);

/**
 * Store subscriptions shared by the waits of this process: one per run however many waits it
 * has, opened by the first wait and closed when the last one leaves. A thousand waits on a run
 * then cost one subscription and one message fetch per event, not a thousand.
 */
export class RunFeeds {
  readonly #feeds = new Map<string, Feed>();

  constructor(private readonly store: MailStore) {}

  /**
   * Adds a listener; resolves once the run's subscription is live, so every event emitted after
   * that reaches it. Returns the function that removes it (idempotent).
   */
  async join(runId: string, listener: FeedListener): Promise<() => void> {
    let feed = this.#feeds.get(runId);
    if (!feed) {
      feed = this.#open(runId);
      this.#feeds.set(runId, feed);
    }
    const joined = feed;
    joined.listeners.add(listener);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0) this.#end(runId, joined);
    };
    try {
      await joined.live;
    } catch (err) {
      leave();
      throw err;
    }
    return leave;
  }

  /** How many runs hold a subscription and how many waits listen (for tests and metrics). */
  stats(): { runs: number; listeners: number } {
    let listeners = 0;
    for (const feed of this.#feeds.values()) listeners += feed.listeners.size;
    return { runs: this.#feeds.size, listeners };
  }

  #open(runId: string): Feed {
    const feed: Feed = {
      listeners: new Set(),
      delivered: Promise.resolve(),
      live: Promise.resolve(),
      ended: false,
    };
    feed.live = this.store
      .subscribe(runId, (event) => this.#deliver(runId, feed, event))
      .then((unsubscribe) => {
        // Everyone may have left while the subscription was being set up.
        if (feed.ended) unsubscribe();
        else feed.unsubscribe = unsubscribe;
      });
    // A failed subscription must not be reused by the next wait of the run.
    feed.live.catch(() => this.#end(runId, feed));
    return feed;
  }

  #end(runId: string, feed: Feed): void {
    if (feed.ended) return;
    feed.ended = true;
    if (this.#feeds.get(runId) === feed) this.#feeds.delete(runId);
    feed.unsubscribe?.();
  }

  #deliver(runId: string, feed: Feed, event: StoreEvent): void {
    if (feed.ended) return;
    const fetched =
      fetches.has(event.type) && "messageId" in event
        ? this.store.getMessage(runId, event.messageId)
        : undefined;
    // Fetches overlap; deliveries keep the store's event order. A failed fetch delivers no record:
    // each wait's rescan at its timeout covers it.
    feed.delivered = feed.delivered.then(async () => {
      const message = fetched ? await fetched.catch(() => undefined) : undefined;
      const item: FeedItem = { event, message };
      for (const listener of [...feed.listeners]) {
        try {
          listener(item);
        } catch {
          // One broken wait must not starve the others.
        }
      }
      // The store drops a deleted run's subscribers; a run created again under the id needs a new feed.
      if (event.type === "run.deleted") this.#end(runId, feed);
    });
  }
}
