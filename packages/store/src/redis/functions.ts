import { SandmailError } from "@sandmail/core";
import { Cluster, type Redis } from "ioredis";
import { EncodedCommand } from "./command-bytes.js";
import type { RedisConnection } from "./connection.js";
import type { Library } from "./lua/library.js";

/** Redis's answer to FCALL of a function it does not have (restarted, flushed, FUNCTION FLUSH). */
const NOT_FOUND = /\bFunction not found\b/i;

/**
 * Keeps the library loaded wherever the connection sends its calls: on a single server as it
 * connects and reconnects ('ready'), on a cluster on every master (at 'ready', and on each node
 * that joins: a new master, a failover's new topology), and wherever a call finds it missing
 * (`retry`). FUNCTION LOAD is replicated, so a replica promoted by a failover has it already.
 */
export class LibraryLoader {
  readonly #redis: RedisConnection;
  readonly #library: Library;
  #loading: Promise<void> | undefined;

  constructor(redis: RedisConnection, library: Library) {
    this.#redis = redis;
    this.#library = library;
    redis.on("ready", () => {
      this.load().catch(() => {});
    });
    if (redis instanceof Cluster) {
      redis.on("+node", (node: Redis) => {
        loadOn(node, library).catch(() => {});
      });
    }
  }

  /** Loads the library where it is missing; one load at a time, shared by its callers. */
  load(): Promise<void> {
    this.#loading ??= this.#loadAll().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /**
   * `call`, run once more after loading the library should Redis not have it. Not an async
   * function: every script call's answer passes through here, and an await more is a turn of the
   * microtask queue more for each (with the other trims of the delivery path, -8% of a
   * RedisStore delivery's JavaScript, docs/performance.md).
   */
  retry<T>(call: () => Promise<T>): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (err) {
      promise = Promise.reject(err);
    }
    return promise.catch((err: unknown) => {
      if (!NOT_FOUND.test(err instanceof Error ? err.message : "")) throw err;
      return this.load().then(() => call());
    });
  }

  async #loadAll(): Promise<void> {
    const redis = this.#redis;
    const nodes = redis instanceof Cluster ? redis.nodes("master") : [redis];
    await Promise.all(nodes.map((node) => loadOn(node, this.#library)));
  }
}

async function loadOn(node: Redis, library: Library): Promise<void> {
  try {
    await node.call("FUNCTION", "LOAD", library.source);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Loaded already: the name is the hash of the source.
    if (/already exists/i.test(message)) return;
    // A replica (its master's load reaches it by replication).
    if (/^READONLY\b/.test(message)) return;
    if (/unknown command/i.test(message)) {
      const info = String(await node.info("server").catch(() => ""));
      const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
      throw new SandmailError(
        "invalid_request",
        `sandmail needs Redis 7.0 or newer (Redis Functions); this server is Redis ${version}`,
      );
    }
    throw err;
  }
}

/**
 * FCALL (FCALL_RO for a read) of a library function, past auto-pipelining when `unbatched`: sent
 * at once instead of waiting for the batch in flight, its bytes
 * written straight into one Buffer (command-bytes.ts). The call list
 * travels as one argument, which ioredis flattens (EncodedCommand joins it itself): spread, a
 * list of some 100,000 keys (DELETE_RUN of a run with that many messages and folders) overflows
 * the JavaScript stack.
 */
export function fcall(
  redis: RedisConnection,
  fn: string,
  readOnly: boolean,
  unbatched: boolean,
  call: readonly unknown[],
): Promise<unknown> {
  const command = readOnly ? "fcall_ro" : "fcall";
  if (unbatched) {
    return redis.sendCommand(
      new EncodedCommand(command, fn, call, { replyEncoding: "utf8" }),
    ) as Promise<unknown>;
  }
  return redis.call(command, fn, call as never);
}
