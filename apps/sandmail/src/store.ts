import type { ByteBudget, Config } from "@sandmail/core";
import { type MailStore, MemoryStore, RedisStore } from "@sandmail/store";

/**
 * MemoryStore by default; RedisStore when REDIS_URL is set (the scale-out deployment). The memory
 * budget and the run cap bound the memory store; Redis bounds its own memory (`maxmemory`).
 */
export function createStore(config: Config, budget?: ByteBudget): MailStore {
  return config.REDIS_URL
    ? new RedisStore({ url: config.REDIS_URL, waitReplicas: config.SANDMAIL_REDIS_WAIT_REPLICAS })
    : new MemoryStore({ maxRuns: config.SANDMAIL_MAX_RUNS, ...(budget ? { budget } : {}) });
}
