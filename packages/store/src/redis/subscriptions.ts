import type { StoreEvent } from "@sandmail/core";
import type { StoreListener } from "../contract.js";
import { decodeEvent } from "./codec.js";
import { type RedisConnection, readyWaiter } from "./connection.js";

interface Channel {
  listeners: Set<StoreListener>;
  /** Settles when Redis has acknowledged SSUBSCRIBE. */
  ready: Promise<unknown>;
}

/**
 * One subscriber connection per store, one SSUBSCRIBE per run channel however many local
 * listeners it has (refcounted). Sharded pub/sub: a run's channel carries its hash tag, so on a
 * cluster its events travel only through the shard that holds the run. ioredis resubscribes by
 * itself after a reconnect or a failover.
 */
export class Subscriptions {
  readonly #channels = new Map<string, Channel>();
  readonly #connection: () => RedisConnection;
  readonly #waitMs: number;
  #redis: RedisConnection | undefined;
  #ready: ((ms: number) => Promise<void>) | undefined;

  readonly #onReset: () => void;

  /** `onReset` runs whenever messages may have been missed (the subscriber connection dropped). */
  constructor(connection: () => RedisConnection, waitMs: number, onReset: () => void = () => {}) {
    this.#connection = connection;
    this.#waitMs = waitMs;
    this.#onReset = onReset;
  }

  /**
   * `internal` listeners also get the store's own bookkeeping messages (types `cache.*`), which
   * are no StoreEvent and never reach the others.
   */
  async add(channel: string, listener: StoreListener, internal = false): Promise<() => void> {
    const redis = this.#subscriber();
    await this.#ready?.(this.#waitMs);
    let entry = this.#channels.get(channel);
    if (!entry) {
      const created: Channel = { listeners: new Set(), ready: redis.ssubscribe(channel) };
      entry = created;
      this.#channels.set(channel, created);
      created.ready.catch(() => {
        if (this.#channels.get(channel) === created && created.listeners.size === 0)
          this.#channels.delete(channel);
      });
    }
    const wrapped: StoreListener = internal
      ? (e) => listener(e)
      : (e) => {
          if (!(e.type as string).startsWith("cache.")) listener(e);
        };
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
    this.#redis?.sunsubscribe(channel).catch(() => {});
  }

  #subscriber(): RedisConnection {
    if (this.#redis) return this.#redis;
    const redis = this.#connection();
    redis.on("smessage", (channel: string, message: string) => this.#deliver(channel, message));
    for (const event of ["close", "reconnecting", "+node", "-node"]) redis.on(event, () => this.#onReset());
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
