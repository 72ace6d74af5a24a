import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { RedisStore } from "../src/index.js";
import { groupAnswer } from "../src/redis/delivery-group.js";
import { RunKeys } from "../src/redis/keys.js";
import { GUARD_CALLS, library } from "../src/redis/lua/library.js";
import { defineScripts, neededKeys, SCRIPT_NAMES, scriptCall, scriptsBody } from "../src/redis/scripts.js";
import { expungedKept } from "../src/shared/inputs.js";
import { describeMailStoreContract } from "./contract.js";
import { appendInput, metaFor, rawMessage, uniqueRunId } from "./fixtures.js";

/*
 * Every script runs under the key guard (src/redis/lua/key-guard.ts) through the whole store
 * contract: a key a script touches without declaring it in KEYS, or outside its run, fails the
 * contract test that caused it. A Redis of its own, so the guarded library's record of its calls
 * shows which scripts ran.
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
    const guarded = library(scriptsBody(expungedKept(undefined), true));
    const called = (await raw.call("FCALL_RO", guarded.fn(GUARD_CALLS), 0)) as string[];
    expect(SCRIPT_NAMES.filter((name) => !called.includes(name))).toEqual([]);
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
      await expect(scripts.fns.smSetDns(scriptCall("smSetDns", keys, run.id, ["[]"]))).resolves.toBe(1);
      // The same call with its dns key left out of KEYS (only the run hash and the channel).
      await expect(
        scripts.fns.smSetDns([2, keys.run, keys.channel, keys.prefix, run.id, "[]"]),
      ).rejects.toThrow(/key_guard smSetDns: SET on sm:\{[^}]+\}:dns, not declared in KEYS/);
      // A run-wide key a script reads first is declared like any other.
      await expect(
        scripts.fns.smEnsureInbox([1, keys.run, keys.prefix, run.id, "u@x.test", ""]),
      ).rejects.toThrow(/key_guard smEnsureInbox: SISMEMBER on sm:\{[^}]+\}:addrs, not declared in KEYS/);
      // Another run's prefix in ARGV: its keys are outside the declared run.
      const other = new RunKeys("sm:", uniqueRunId());
      await expect(
        scripts.fns.smGetDns([2, keys.run, keys.fixed("dns")[0]!, other.prefix, run.id]),
      ).rejects.toThrow(/key_guard smGetDns: KEYS\[1\] is not the run hash/);
    } finally {
      await store.close();
    }
  });

  /** The guarded scripts called directly, beside a guarded store with a run of its own. */
  const guardedRun = async () => {
    const scripts = defineScripts(raw, expungedKept(undefined), true);
    const store = await RedisStore.connect({ url: redis.url, checkKeys: true });
    const run = await store.createRun({
      id: uniqueRunId(),
      ttlSeconds: 60,
      limits: { maxMessages: 5, maxBytes: 1e6 },
    });
    return { scripts, store, run, keys: new RunKeys("sm:", run.id) };
  };

  it("a script asks for the keys it finds in the data, writes nothing, and runs once they are declared", async () => {
    const { scripts, store, run, keys } = await guardedRun();
    try {
      const msg = await store.appendMessage(run.id, appendInput("u@x.test", "asked"));
      // Only the message's key from its id: its mailbox's keys are in the data.
      const args = ["add", "\\Seen", "", msg.id];
      const err = await scripts.fns
        .smUpdateFlags(scriptCall("smUpdateFlags", keys, run.id, args))
        .catch((e) => e);
      const asked = neededKeys(err, keys);
      expect(asked).toEqual([`${keys.prefix}mb:${msg.mailboxId}`, `${keys.prefix}fl:${msg.mailboxId}`]);
      expect(await raw.hget(keys.message(msg.id), "flags")).toBe("");
      const [updated] = (await scripts.fns.smUpdateFlags(
        scriptCall("smUpdateFlags", keys, run.id, args, asked),
      )) as [unknown[]];
      expect(updated).toHaveLength(1);
      expect(await raw.hget(keys.message(msg.id), "flags")).toBe("\\Seen");
    } finally {
      await store.close();
    }
  });

  it("a delivery without ids, its folder not made, asks for them before touching what making one touches", async () => {
    const { scripts, store, run, keys } = await guardedRun();
    try {
      // A group of one delivery (its argument count, then its arguments): its answer, or its failure.
      const deliver = async (folder: string, ids: string) => {
        const args = [
          uniqueRunId("d"),
          String(Date.now() + 60_000),
          "body",
          "",
          ...["new@x.test", folder, "", "{}", "", "", String(Date.now()), uniqueRunId("m"), ids, "[]"],
        ];
        const [reply] = (await scripts.fns.smAppendDelivery(
          scriptCall("smAppendDelivery", keys, run.id, [args.length, ...args]),
        )) as unknown[];
        const answer = groupAnswer(reply);
        if (typeof answer === "string") throw new Error(answer);
        return answer;
      };
      // Without ids only a made folder's keys are declared (no addrs, full, subs:): need_ids, not
      // the key guard, and nothing written.
      await expect(deliver("INBOX", "")).rejects.toThrow(/need_ids/);
      await expect(deliver("Custom", "")).rejects.toThrow(/mailbox_not_found/);
      expect(await raw.exists(`${keys.prefix}addrs`, `${keys.prefix}names:new@x.test`)).toBe(0);
      const [row] = (await deliver("INBOX", "mbx")) as unknown[][];
      expect(row?.[3]).toBe("mbx");
    } finally {
      await store.close();
    }
  });

  it("fails a script that touches keys found in the data without asking for them", async () => {
    const store = await RedisStore.connect({ url: redis.url });
    try {
      const run = await store.createRun({
        id: uniqueRunId(),
        ttlSeconds: 60,
        limits: { maxMessages: 5, maxBytes: 1e6 },
      });
      const msg = await store.appendMessage(run.id, appendInput("u@x.test", "regressed"));
      const keys = new RunKeys("sm:", run.id);
      // The script as it would be had it stopped asking: need_keys does nothing.
      const guarded = scriptsBody(expungedKept(undefined), true);
      const regressed = guarded.replace(
        "local function need_keys()",
        "local function need_keys() end\nlocal function asked()",
      );
      expect(regressed).not.toBe(guarded);
      const lib = library(regressed);
      await raw.call("FUNCTION", "LOAD", lib.source);
      const call = scriptCall("smDeleteMessages", keys, run.id, [msg.id]);
      await expect(raw.call("FCALL", lib.fn("smDeleteMessages"), ...call)).rejects.toThrow(
        /key_guard smDeleteMessages: \w+ on sm:\{[^}]+\}:(mb|ix|fl|gone):\S+, not declared in KEYS/,
      );
    } finally {
      await store.close();
    }
  });

  it("ingests with one script call per delivery once this process knows where its copies go", async () => {
    const store = await RedisStore.connect({ url: redis.url });
    const other = await RedisStore.connect({ url: redis.url });
    const scriptCalls = async () => {
      const info = await raw.info("commandstats");
      return [...info.matchAll(/^cmdstat_fcall(?:_ro)?:calls=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const body = rawMessage("counted", "one body");
    const delivery = (n: number) => ({
      deliveryId: uniqueRunId("d"),
      body,
      copies: ["a@x.test", "b@x.test"].map((address) => {
        const head = Buffer.from(`Received: ${n} for <${address}>\r\n`);
        return { address, head, meta: metaFor(Buffer.concat([head, body]), "counted") };
      }),
    });
    try {
      const run = await store.createRun({
        id: uniqueRunId(),
        ttlSeconds: 60,
        limits: { maxMessages: 50, maxBytes: 1e6 },
      });
      let before = await scriptCalls();
      // New addresses: the caller hands ids for their folders, so even the first is one call.
      await store.appendDelivery(run.id, delivery(0));
      expect((await scriptCalls()) - before).toBe(1);
      before = await scriptCalls();
      for (let i = 1; i <= 10; i++) await store.appendDelivery(run.id, delivery(i));
      expect((await scriptCalls()) - before).toBe(10);
      // Another process learns the inboxes' keys once (the script asks), then one call each.
      before = await scriptCalls();
      await other.appendDelivery(run.id, delivery(11));
      expect((await scriptCalls()) - before).toBe(2);
      before = await scriptCalls();
      for (let i = 12; i <= 16; i++) await other.appendDelivery(run.id, delivery(i));
      expect((await scriptCalls()) - before).toBe(5);
      expect((await store.runCounts(run.id)).messages).toBe(34);
    } finally {
      await store.close();
      await other.close();
    }
  });

  it("reads the folders of an address whose defaults are made in one script call, made or not by this process", async () => {
    const store = await RedisStore.connect({ url: redis.url });
    const other = await RedisStore.connect({ url: redis.url });
    const scriptCalls = async () => {
      const info = await raw.info("commandstats");
      return [...info.matchAll(/^cmdstat_fcall(?:_ro)?:calls=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const callsOf = async (fn: () => Promise<unknown>) => {
      const before = await scriptCalls();
      await fn();
      return (await scriptCalls()) - before;
    };
    try {
      const run = await store.createRun({
        id: uniqueRunId(),
        ttlSeconds: 60,
        limits: { maxMessages: 50, maxBytes: 1e6 },
      });
      await store.appendMessage(run.id, appendInput("u@x.test", "first"));
      // The first listing finds the defaults not made (one read), makes them (one write), asks for
      // their keys and reads them: four calls, once.
      expect(await callsOf(() => store.listMailboxes(run.id, "u@x.test"))).toBe(4);
      expect(await callsOf(() => store.listMailboxes(run.id, "u@x.test"))).toBe(1);
      // A process that did not make them: it learns the folders' keys once, then one call each.
      expect(await callsOf(() => other.listMailboxes(run.id, "u@x.test"))).toBe(2);
      expect(await callsOf(() => other.listMailboxes(run.id, "u@x.test"))).toBe(1);
      expect(await callsOf(() => other.getMailbox(run.id, "u@x.test", "Junk"))).toBe(2);
      expect(await callsOf(() => other.getMailbox(run.id, "u@x.test", "Junk"))).toBe(1);
      expect((await other.listMailboxes(run.id, "u@x.test")).map((m) => m.name)).toHaveLength(6);
    } finally {
      await store.close();
      await other.close();
    }
  });
});
