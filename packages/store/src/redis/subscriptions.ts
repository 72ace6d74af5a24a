import type { StoreEvent } from "@sandmail/core";
import type { Redis } from "ioredis";
import type { StoreListener } from "../contract.js";
import { decodeEvent } from "./codec.js";
import { readyWaiter } from "./connection.js";

interface Channel {
  listeners: Set<StoreListener>;
  /** Settles when Redis has acknowledged SUBSCRIBE. */
  ready: Promise<unknown>;
}

/**
 * One subscriber connection per store, one Redis SUBSCRIBE per run channel however many local
 * listeners it has (refcounted). ioredis resubscribes by itself after a reconnect.
 */
export class Subscriptions {
  readonly #channels = new Map<string, Channel>();
  readonly #connection: () => Redis;
  readonly #waitMs: number;
  #redis: Redis | undefined;
  #ready: ((ms: number) => Promise<void>) | undefined;

  constructor(connection: () => Redis, waitMs: number) {
    this.#connection = connection;
    this.#waitMs = waitMs;
  }

  async add(channel: string, listener: StoreListener): Promise<() => void> {
    const redis = this.#subscriber();
    await this.#ready?.(this.#waitMs);
    let entry = this.#channels.get(channel);
    if (!entry) {
      const created: Channel = { listeners: new Set(), ready: redis.subscribe(channel) };
      entry = created;
      this.#channels.set(channel, created);
      created.ready.catch(() => {
        if (this.#channels.get(channel) === created && created.listeners.size === 0)
          this.#channels.delete(channel);
      });
    }
    const wrapped: StoreListener = (e) => listener(e);
    entry.listeners.add(wrapped);
    try {
      await entry.ready;
    } catch (err) {
      this.#remove(channel, entry, wrapped);
      throw err;
    }
    const ch = entry;
    return () => this.#remove(channel, ch, wrapped);
  }

  async close(): Promise<void> {
    this.#channels.clear();
    const redis = this.#redis;
    this.#redis = undefined;
    if (redis) await redis.quit().catch(() => redis.disconnect());
  }

  #remove(channel: string, entry: Channel, listener: StoreListener): void {
    entry.listeners.delete(listener);
    if (entry.listeners.size > 0 || this.#channels.get(channel) !== entry) return;
    this.#channels.delete(channel);
    // Commands on this connection run in order, so a later SUBSCRIBE to the same channel wins.
    this.#redis?.unsubscribe(channel).catch(() => {});
  }

  #subscriber(): Redis {
    if (this.#redis) return this.#redis;
    const redis = this.#connection();
    redis.on("message", (channel: string, message: string) => this.#deliver(channel, message));
    this.#redis = redis;
    this.#ready = readyWaiter(redis);
    return redis;
  }

  #deliver(channel: string, message: string): void {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    let event: StoreEvent;
    try {
      event = decodeEvent(message);
    } catch {
      return;
    }
    for (const listener of [...entry.listeners]) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not stop the others.
      }
    }
  }
}
