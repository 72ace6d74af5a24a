import type { ByteBudget, Config } from "@sandmail/core";
import { type MailStore, MemoryStore } from "@sandmail/store";

/**
 * MemoryStore by default; RedisStore when REDIS_URL is set (the scale-out deployment). The memory
 * budget and the run cap bound the memory store; Redis bounds its own memory (`maxmemory`).
 */
export async function createStore(config: Config, budget?: ByteBudget): Promise<MailStore> {
  if (!config.REDIS_URL)
    return new MemoryStore({ maxRuns: config.SANDMAIL_MAX_RUNS, ...(budget ? { budget } : {}) });
  // ioredis and the Redis store load only when asked for: ~15 MiB of an idle in-memory server.
  const { RedisStore } = await import("@sandmail/store/redis");
  return new RedisStore({ url: config.REDIS_URL, waitReplicas: config.SANDMAIL_REDIS_WAIT_REPLICAS });
}
