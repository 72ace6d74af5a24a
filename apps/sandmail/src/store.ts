import type { Config } from "@sandmail/core";
import { type MailStore, MemoryStore, RedisStore } from "@sandmail/store";

/** MemoryStore by default; RedisStore when REDIS_URL is set (the scale-out deployment). */
export function createStore(config: Config): MailStore {
  return config.REDIS_URL
    ? new RedisStore({ url: config.REDIS_URL, waitReplicas: config.SANDMAIL_REDIS_WAIT_REPLICAS })
    : new MemoryStore();
}
