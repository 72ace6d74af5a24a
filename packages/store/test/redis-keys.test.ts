import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { RedisStore } from "../src/index.js";
import { RunKeys } from "../src/redis/keys.js";
import { defineScripts, SCRIPT_NAMES, scriptCall, scriptSource } from "../src/redis/scripts.js";
import { expungedKept } from "../src/shared/inputs.js";
import { describeMailStoreContract } from "./contract.js";
import { appendInput, uniqueRunId } from "./fixtures.js";

/*
 * Every script runs under the key guard (src/redis/lua/key-guard.ts) through the whole store
 * contract: a key a script touches without declaring it in KEYS, or outside its run, fails the
 * contract test that caused it. A Redis of its own, so its script cache shows which guarded
 * scripts ran.
 */
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describeMailStoreContract("RedisStore with every script's keys checked", async (options) =>
  RedisStore.connect({ url: redis.url, checkKeys: true, ...options }),
);

describe("the key guard", () => {
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(redis.url);
  });
  afterAll(() => raw?.disconnect());

  it("covers what the contract leaves to the cache: raw bytes read again ask only whether they exist", async () => {
    const store = await RedisStore.connect({ url: redis.url, checkKeys: true });
    try {
      const run = await store.createRun({
        id: uniqueRunId(),
        ttlSeconds: 60,
        limits: { maxMessages: 5, maxBytes: 1e6 },
      });
      const msg = await store.appendMessage(run.id, appendInput("u@x.test", "twice"));
      await store.getMessage(run.id, msg.id);
      const first = await store.getRaw(run.id, msg.id);
      expect(await store.getRaw(run.id, msg.id)).toEqual(first);
      await store.deleteMessages(run.id, [msg.id]);
      expect(await store.getRaw(run.id, msg.id)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("ran every script during the contract above", async () => {
    const shas = SCRIPT_NAMES.map((name) =>
      createHash("sha1")
        .update(scriptSource(name, expungedKept(undefined), true))
        .digest("hex"),
    );
    const loaded = (await raw.call("SCRIPT", "EXISTS", ...shas)) as number[];
    expect(SCRIPT_NAMES.filter((_, i) => loaded[i] !== 1)).toEqual([]);
  });

  it("fails a script that touches a key it did not declare, or a key outside its run", async () => {
    const scripts = defineScripts(raw, expungedKept(undefined), true);
    const store = await RedisStore.connect({ url: redis.url });
    try {
      const run = await store.createRun({
        id: uniqueRunId(),
        ttlSeconds: 60,
        limits: { maxMessages: 5, maxBytes: 1e6 },
      });
      const keys = new RunKeys("sm:", run.id);
      // As declared, the call runs.
      await expect(scripts.smSetDns(...scriptCall("smSetDns", keys, run.id, ["[]"]))).resolves.toBe(1);
      // The same call with its dns key left out of KEYS (only the run hash and the channel).
      await expect(scripts.smSetDns(2, keys.run, keys.channel, keys.prefix, run.id, "[]")).rejects.toThrow(
        /key_guard smSetDns: SET on sm:\{[^}]+\}:dns, not declared in KEYS/,
      );
      // A run-wide key a script reads first is declared like any other.
      await expect(scripts.smEnsureInbox(1, keys.run, keys.prefix, run.id, "u@x.test", "")).rejects.toThrow(
        /key_guard smEnsureInbox: SISMEMBER on sm:\{[^}]+\}:addrs, not declared in KEYS/,
      );
      // Another run's prefix in ARGV: its keys are outside the declared run.
      const other = new RunKeys("sm:", uniqueRunId());
      await expect(
        scripts.smGetDns(2, keys.run, keys.fixed("dns")[0]!, other.prefix, run.id),
      ).rejects.toThrow(/key_guard smGetDns: KEYS\[1\] is not the run hash/);
    } finally {
      await store.close();
    }
  });
});
