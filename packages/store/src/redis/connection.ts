import { SandmailError } from "@sandmail/core";
import { Redis, type RedisOptions } from "ioredis";

export interface ConnectionTuning {
  /** Longest a single command may take before it fails (a silent, half-dead connection). */
  commandTimeoutMs: number;
  /** How long a call waits for a (re)connection before failing with `store_unavailable`. */
  connectWaitMs: number;
}

/**
 * Fail fast instead of queueing: while Redis is away every call rejects within connectWaitMs,
 * so SMTP can answer 451 and readiness can fail; ioredis keeps reconnecting in the background.
 */
export function openConnection(url: string, tuning: ConnectionTuning): Redis {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: tuning.commandTimeoutMs,
    connectTimeout: Math.max(1000, tuning.connectWaitMs),
    retryStrategy: (times) => Math.min(50 * times, 500),
    autoResubscribe: true,
    // Calls made in the same tick (an IMAP FETCH reading 256 messages, concurrent SMTP sessions)
    // travel in one pipeline: one round trip instead of one per call.
    enableAutoPipelining: true,
  };
  const redis = new Redis(url, options);
  // Failures surface through the calls that fail; an unhandled 'error' event would crash.
  redis.on("error", () => {});
  return redis;
}

/** A function that resolves once the connection is ready, or rejects after `ms`. */
export function readyWaiter(redis: Redis): (ms: number) => Promise<void> {
  let pending: Promise<void> | undefined;
  return async (ms) => {
    if (redis.status === "ready") return;
    if (redis.status === "end") throw new SandmailError("store_unavailable", "Redis connection closed");
    // One shared waiter per outage, so thousands of waiting calls add one listener, not thousands.
    pending ??= new Promise<void>((resolve) => {
      redis.once("ready", () => {
        pending = undefined;
        resolve();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SandmailError("store_unavailable", `Redis not reachable (${redis.status})`)),
        ms,
      );
    });
    try {
      await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
