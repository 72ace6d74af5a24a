import { indexMimeTree } from "@sandmail/mime";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { newDeliveryId, RedisStore } from "../src/index.js";
import { RunKeys } from "../src/redis/keys.js";
import { defineScripts, scriptCall } from "../src/redis/scripts.js";
import { appendedMeta, expungedKept } from "../src/shared/inputs.js";
import { recipientKeys } from "../src/shared/recipients.js";
import { describeMailStoreContract } from "./contract.js";
import { appendInput, collectEvents, metaFor, rawMessage, uniqueRunId } from "./fixtures.js";

const limits = { maxMessages: 1000, maxBytes: 10_000_000 };

describeMailStoreContract("RedisStore", async (options) =>
  RedisStore.connect({ url: inject("redisUrl"), ...options }),
);

describe("RedisStore across processes", () => {
  let a: RedisStore;
  let b: RedisStore;
  let raw: Redis;

  beforeAll(async () => {
    // Two stores with their own connections, as two processes would have.
    a = await RedisStore.connect(inject("redisUrl"));
    b = await RedisStore.connect({ url: inject("redisUrl") });
    raw = new Redis(inject("redisUrl"));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    raw?.disconnect();
  });

  it("sees the other instance's runs, appends, flags and events", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    expect(await b.getRun(run.id)).toEqual(run);
    const eventsAtB = await collectEvents(b, run.id);
    const msg = await a.appendMessage(run.id, appendInput("u@x.test", "from a"));
    expect(await b.getMessage(run.id, msg.id)).toEqual(msg);
    expect(await b.getRaw(run.id, msg.id)).toEqual(await a.getRaw(run.id, msg.id));
    expect((await b.getRaw(run.id, msg.id))?.length).toBe(msg.size);
    const fromB = await b.appendMessage(run.id, appendInput("u@x.test", "from b"));
    expect(fromB.uid).toBe(msg.uid + 1);
    expect(fromB.seq).toBeGreaterThan(msg.seq);
    await b.updateFlags(run.id, [msg.id], { op: "add", flags: ["\\Seen"] });
    expect((await a.getMessage(run.id, msg.id))?.flags).toEqual(["\\Seen"]);
    const events = await eventsAtB.until(4);
    expect(events.map((e) => e.type)).toEqual([
      "mailbox.created",
      "message.added",
      "message.added",
      "message.flags",
    ]);
    expect(events[1]).toMatchObject({ messageId: msg.id, seq: msg.seq });
    expect(await a.eventsSince(run.id, 0)).toEqual(events);
    // The rest of the default folders, made by the first listing in a, are b's to see too.
    const listed = await a.listMailboxes(run.id, "u@x.test");
    expect(listed).toHaveLength(6);
    expect(await b.listMailboxes(run.id, "u@x.test")).toEqual(listed);
    const made = (await eventsAtB.until(9)).slice(4);
    expect(made.map((e) => e.type)).toEqual(Array.from({ length: 5 }, () => "mailbox.created"));
    expect(await b.eventsSince(run.id, 0)).toHaveLength(9);
  });

  it("applies one set of fault rules in both: new rules seen at once, counts shared", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    // b caches "no rules" first; a's change must reach it through the invalidation message.
    expect(await b.activeFaults(run.id)).toBeUndefined();
    await a.setFaults(run.id, [{ stage: "rcpt", action: "reply", code: 451, count: 3 }]);
    await vi.waitFor(async () => expect(await b.activeFaults(run.id)).toBeDefined(), { timeout: 5000 });
    const { generation } = (await b.activeFaults(run.id))!;
    const fired = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).fireFault(run.id, generation, 0)),
    );
    expect(fired.filter(Boolean)).toHaveLength(3);
    expect(await b.getFaults(run.id)).toMatchObject([{ remaining: 0, fired: 3 }]);
    await b.setFaults(run.id, []);
    await vi.waitFor(async () => expect(await a.activeFaults(run.id)).toBeUndefined(), { timeout: 5000 });
  });

  it("keeps its run cache current through the run's cache channel, and hears no message's event there", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    const events = `sm:{${run.id}}:events`;
    const cache = `sm:{${run.id}}:cache`;
    const subscribers = async (channel: string) =>
      Number(((await raw.call("PUBSUB", "SHARDNUMSUB", channel)) as [string, number])[1]);
    // Both route and authenticate mail for the run from their caches, as SMTP processes do.
    expect(await a.getRun(run.id)).toBeDefined();
    expect(await b.getRun(run.id)).toBeDefined();
    expect(await b.getDnsRecords(run.id)).toEqual([]);
    await b.appendMessage(run.id, appendInput("u@x.test", "ingested"));
    expect(await subscribers(cache)).toBe(2);
    // Nobody listens to the run's events, so no message's event travels to either process.
    expect(await subscribers(events)).toBe(0);
    const records = [{ name: "x.test", type: "TXT" as const, values: ["v=spf1 -all"] }];
    await a.setDnsRecords(run.id, records);
    await vi.waitFor(async () => expect(await b.getDnsRecords(run.id)).toEqual(records), { timeout: 5000 });
    await a.deleteRun(run.id);
    await vi.waitFor(async () => expect(await b.getRun(run.id)).toBeUndefined(), { timeout: 5000 });
  });

  it("allocates unique seqs and UIDs under concurrent appends from both", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    const appends = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a : b).appendMessage(run.id, appendInput("u@x.test", `m${i}`)),
    );
    const msgs = await Promise.all(appends);
    expect(new Set(msgs.map((m) => m.seq)).size).toBe(40);
    expect(msgs.map((m) => m.uid).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await a.getMailbox(run.id, "u@x.test", "INBOX"))?.uidNext).toBe(41);
  });

  it("keeps every key of a run under its hash tag with the run's expiry, and deletes them all", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 300, limits });
    const expiresAt = run.expiresAt.getTime();
    // Every key the run owns, with the expiry Redis holds for it (ms since the epoch; -1: none).
    const expiries = async () => {
      const keys = await raw.keys(`*${run.id}*`);
      const at = await Promise.all(keys.map((k) => raw.call("PEXPIRETIME", k) as Promise<number>));
      return Object.fromEntries(keys.map((k, i) => [k, at[i]]));
    };
    const allExpireWithRun = async () => {
      const all = await expiries();
      for (const key of Object.keys(all)) expect(key.startsWith(`sm:{${run.id}}:`)).toBe(true);
      expect(Object.entries(all).filter(([, at]) => at !== expiresAt)).toEqual([]);
      return Object.keys(all);
    };
    const deliver = (n: number, ...addresses: string[]) => {
      const body = rawMessage(`d${n}`);
      return a.appendDelivery(run.id, {
        deliveryId: uniqueRunId("d"),
        body,
        copies: addresses.map((address) => {
          const head = Buffer.from(`Received: ${n} for <${address}>\r\n`);
          return { address, head, meta: metaFor(Buffer.concat([head, body]), `d${n}`) };
        }),
      });
    };
    const m = await a.appendMessage(run.id, appendInput("u@x.test", "k"));
    await a.createMailbox(run.id, "u@x.test", "Folder/Child");
    const folder = (await a.getMailbox(run.id, "u@x.test", "Folder"))!.id;
    await a.copyMessages(run.id, [m.id], folder);
    await a.moveMessages(run.id, [m.id], (await a.getMailbox(run.id, "u@x.test", "Trash"))!.id);
    await a.setSubscribed(run.id, "u@x.test", "Folder", true);
    await a.setDnsRecords(run.id, [{ name: "x.test", type: "TXT", values: ["v=spf1 -all"] }]);
    await a.setFaults(run.id, [{ stage: "rcpt", action: "greylist" }]);
    await a.greylistAttempt(run.id, (await a.activeFaults(run.id))!.generation, 0, "s|r");
    const delivered = [...(await deliver(1, "u@x.test", "v@x.test")), ...(await deliver(2, "v@x.test"))];
    await a.updateFlags(run.id, [delivered[0]!.id], { op: "add", flags: ["\\Seen"] });
    // Across addresses: v's message leaves v's indexes for u's.
    await a.moveMessages(run.id, [delivered[1]!.id], folder);
    expect((await allExpireWithRun()).length).toBeGreaterThan(10);

    // Emptied indexes (the run's, an address's, a mailbox's, a recipient's) are gone; those made
    // again by the next messages get the run's expiry again.
    const all = await a.listMessages(run.id);
    expect(
      await a.deleteMessages(
        run.id,
        all.map((x) => x.id),
      ),
    ).toBe(all.length);
    expect(await raw.exists(`sm:{${run.id}}:seq`, `sm:{${run.id}}:aseq:v@x.test`)).toBe(0);
    await deliver(3, "v@x.test");
    const copied = await a.appendMessage(run.id, appendInput("u@x.test", "again"));
    await a.copyMessages(run.id, [copied.id], folder);
    await a.moveMessages(run.id, [copied.id], (await a.getMailbox(run.id, "v@x.test", "Archive"))!.id);
    await a.deleteMailbox(run.id, "u@x.test", "Folder");
    await deliver(4, "u@x.test");
    await allExpireWithRun();

    expect(await a.deleteRun(run.id)).toBe(true);
    expect(await raw.keys(`*${run.id}*`)).toEqual([]);
  });

  it("deletes a run of 15,000 addresses (over 100,000 keys) in steps that each hold Redis briefly", async () => {
    const run = await a.createRun({
      id: uniqueRunId(),
      ttlSeconds: 300,
      limits: { maxMessages: 20_000, maxBytes: 1e9 },
    });
    for (let i = 0; i < 15_000; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) => a.appendMessage(run.id, appendInput(`u${i + j}@x.test`, "s"))),
      );
    }
    expect((await raw.keys(`sm:{${run.id}}:*`)).length).toBeGreaterThan(100_000);
    // Redis is held only by bounded steps: one script deleting every key at once held it ~450 ms
    // (0.9 s on a loaded machine); a step of 500 keys takes a few ms.
    const longest = await longestCommandMs(raw, run.id, () => a.deleteRun(run.id));
    expect(longest.result).toBe(true);
    expect(longest.ms).toBeLessThan(100);
    expect(await keysOf(raw, run.id)).toEqual([]);
    expect(await b.getRun(run.id)).toBeUndefined();
  });

  it("deletes an address with more folders than a step takes whole, and webhooks with their deliveries", async () => {
    const guarded = await RedisStore.connect({ url: inject("redisUrl"), checkKeys: true });
    try {
      const run = await guarded.createRun({ id: uniqueRunId(), ttlSeconds: 300, limits });
      await guarded.appendMessage(run.id, appendInput("u@x.test", "s"));
      for (let i = 0; i < 300; i++) await guarded.createMailbox(run.id, "u@x.test", `F${i}`);
      for (let w = 0; w < 2; w++) {
        const hook = await guarded.webhooks.create(run.id, {
          url: "http://127.0.0.1:9/",
          events: ["message.received"],
          secret: "whsec_x",
        });
        const deliveries = Array.from({ length: 300 }, (_, i) => ({
          id: newDeliveryId(),
          event: "message.received" as const,
          eventSeq: hook.cursor + i + 1,
          body: "{}",
        }));
        await guarded.webhooks.addDeliveries(run.id, hook.id, hook.cursor + 300, deliveries);
      }
      const before = await keysOf(raw, run.id);
      expect(before.filter((k) => k.includes(":mb:")).length).toBeGreaterThan(300);
      expect(before.filter((k) => k.includes(":dl:")).length).toBeGreaterThan(100);
      expect(await guarded.deleteRun(run.id)).toBe(true);
      expect(await keysOf(raw, run.id)).toEqual([]);
      expect(await guarded.deleteRun(run.id)).toBe(false);
    } finally {
      await guarded.close();
    }
  });

  /** A run with `n` addresses of one message each, deleted only as far as its tombstone. */
  async function tombstoned(n: number): Promise<{ id: string; keys: RunKeys; gen: string }> {
    const run = await a.createRun({
      id: uniqueRunId(),
      ttlSeconds: 300,
      limits: { maxMessages: n, maxBytes: 1e9 },
    });
    for (let i = 0; i < n; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, n - i) }, (_, j) =>
          a.appendMessage(run.id, appendInput(`u${i + j}@x.test`, "s")),
        ),
      );
    }
    // The first step of a delete, as a process that stopped right after it left things.
    const keys = new RunKeys("sm:", run.id);
    const scripts = defineScripts(raw, expungedKept(undefined));
    const gen = uniqueRunId("g");
    expect(await scripts.fns.smDeleteRun(scriptCall("smDeleteRun", keys, run.id, [gen]))).toBe(1);
    return { id: run.id, keys, gen };
  }

  it("finishes a delete left midway by a stopped process when another store starts", async () => {
    const run = await tombstoned(1200);
    await raw.zadd("sm:deleting", Date.now(), run.id);
    // One bounded step of the drain done, then the process is gone.
    const scripts = defineScripts(raw, expungedKept(undefined));
    const ids = await raw.zrange(`${run.keys.prefix}seq`, "0", "99");
    const step = [run.gen, "z", "seq", ids.length, ...ids, ...ids.map((id) => `m:${id}`)];
    expect(await scripts.fns.smDrainRun(scriptCall("smDrainRun", run.keys, run.id, step))).toBe(1);
    expect(await raw.zcard(`${run.keys.prefix}seq`)).toBe(1100);
    // Gone for every reader already.
    expect(await b.getRun(run.id)).toBeUndefined();
    await expect(b.listMessages(run.id)).rejects.toMatchObject({ code: "run_not_found" });
    const left = (await keysOf(raw, run.id)).length;
    expect(left).toBeGreaterThan(5000);
    // A process starting drains what the queue names.
    const c = await RedisStore.connect(inject("redisUrl"));
    try {
      await vi.waitFor(async () => expect(await keysOf(raw, run.id)).toEqual([]), { timeout: 20_000 });
      await vi.waitFor(async () => expect(await raw.zscore("sm:deleting", run.id)).toBeNull());
    } finally {
      await c.close();
    }
  });

  it("creates a run again under a deleted one's id only once every key of the old one is gone", async () => {
    const run = await tombstoned(600);
    expect((await keysOf(raw, run.id)).length).toBeGreaterThan(3000);
    const again = await b.createRun({ id: run.id, ttlSeconds: 60, limits });
    expect(again.id).toBe(run.id);
    // Only the new run's hash: nothing of the old run is left to show through.
    expect(await keysOf(raw, run.id)).toEqual([run.keys.run]);
    expect(await b.listInboxes(run.id)).toEqual([]);
    expect(await a.runCounts(run.id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
    // A step of the old deletion arriving late touches nothing of the new run.
    const scripts = defineScripts(raw, expungedKept(undefined));
    const late = [run.gen, "s", "addrs", 0, "run", "seq"];
    expect(await scripts.fns.smDrainRun(scriptCall("smDrainRun", run.keys, run.id, late))).toBe(0);
    expect(await a.getRun(run.id)).toEqual(again);
  });

  it("sends a large body ahead of its delivery a MiB per command, and keeps no copy of it", async () => {
    const run = await a.createRun({
      id: uniqueRunId(),
      ttlSeconds: 60,
      limits: { ...limits, maxBytes: 1e8 },
    });
    const setranges = async () =>
      Number(/cmdstat_setrange:calls=(\d+)/.exec(await raw.info("commandstats"))?.[1] ?? 0);
    const body = rawMessage("large", "y".repeat(5 * 1024 * 1024));
    // The inbox is b's: a does not know its keys, so its script first asks for them and runs again,
    // the uploaded body still there for the second call.
    await b.appendMessage(run.id, appendInput("u@x.test", "first"));
    const before = await setranges();
    const [m] = await a.appendDelivery(run.id, {
      deliveryId: uniqueRunId("d"),
      body,
      copies: [{ address: "u@x.test", head: Buffer.from("Received: x\r\n"), meta: metaFor(body, "large") }],
    });
    expect(await setranges()).toBeGreaterThanOrEqual(before + 5);
    expect(m?.uid).toBe(2);
    expect(
      (await b.getRaw(run.id, m!.id))?.equals(Buffer.concat([Buffer.from("Received: x\r\n"), body])),
    ).toBe(true);
    expect(await raw.keys(`sm:{${run.id}}:up:*`)).toEqual([]);
  });

  it("keeps a large message's bytes in fields of a MiB, read back whole on shared memory, copied with it", async () => {
    const run = await a.createRun({
      id: uniqueRunId(),
      ttlSeconds: 60,
      limits: { ...limits, maxBytes: 1e8 },
    });
    const body = rawMessage("split", "z".repeat(5 * 1024 * 1024 + 17));
    const [m] = await a.appendDelivery(run.id, {
      deliveryId: uniqueRunId("d"),
      body,
      copies: [{ address: "s@x.test", head: Buffer.from("Received: y\r\n"), meta: metaFor(body, "split") }],
    });
    const whole = Buffer.concat([Buffer.from("Received: y\r\n"), body]);
    const key = `sm:{${run.id}}:m:${m!.id}`;
    expect(await raw.hget(key, "rawn")).toBe("6");
    expect(await raw.hexists(key, "raw")).toBe(0);
    // The head rides with the first slice (the body was uploaded ahead of its delivery).
    expect(await raw.hstrlen(key, "raw:1")).toBe(1024 * 1024 + "Received: y\r\n".length);
    expect(await raw.hstrlen(key, "raw:2")).toBe(1024 * 1024);
    const back = (await b.getRaw(run.id, m!.id)) as Buffer;
    expect(back.equals(whole)).toBe(true);
    // Joined a step per turn (concatShared), not in the client's one copy of a whole reply.
    expect(back.buffer).toBeInstanceOf(SharedArrayBuffer);
    // A copy has the same fields; deleting the original leaves the copy whole.
    const archive = await a.createMailbox(run.id, "s@x.test", "Kept");
    const { mapping } = await a.copyMessages(run.id, [m!.id], archive.id);
    await a.deleteMessages(run.id, [m!.id]);
    expect(await raw.exists(key)).toBe(0);
    expect(await b.getRaw(run.id, m!.id)).toBeUndefined();
    expect((await b.getRaw(run.id, mapping[0]!.newMessageId))?.equals(whole)).toBe(true);
    // A large IMAP APPEND (bytes in the call, not uploaded) is cut the same way.
    const appended = rawMessage("appended", "w".repeat(3 * 1024 * 1024));
    const big = await a.appendMessage(run.id, appendInput("s@x.test", "appended", { raw: appended }));
    expect(await raw.hget(`sm:{${run.id}}:m:${big.id}`, "rawn")).toBe("4");
    expect((await b.getRaw(run.id, big.id))?.equals(appended)).toBe(true);
    // A small message keeps its one field, read in one reply.
    const small = await a.appendMessage(run.id, appendInput("s@x.test", "small"));
    expect(await raw.hexists(`sm:{${run.id}}:m:${small.id}`, "raw")).toBe(1);
    expect((await b.getRaw(run.id, small.id))?.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it("stores nothing, and keeps no uploaded body, when a large delivery's script runs past its deadline", async () => {
    // A deadline already passed when the script runs: the 451 case, which must leave nothing.
    const late = await RedisStore.connect({ url: inject("redisUrl"), commitWaitMs: 1 });
    try {
      const run = await late.createRun({
        id: uniqueRunId(),
        ttlSeconds: 60,
        limits: { ...limits, maxBytes: 1e8 },
      });
      const body = rawMessage("late", "z".repeat(3 * 1024 * 1024));
      await expect(
        late.appendDelivery(run.id, {
          deliveryId: uniqueRunId("d"),
          body,
          copies: [
            { address: "u@x.test", head: Buffer.from("Received: x\r\n"), meta: metaFor(body, "late") },
          ],
        }),
      ).rejects.toMatchObject({ code: "store_unavailable" });
      expect(await late.runCounts(run.id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
      expect(await raw.keys(`sm:{${run.id}}:up:*`)).toEqual([]);
    } finally {
      await late.close();
    }
  });

  it("leaves a small delivery's MIME tree to its first reader, which keeps it in Redis for the others", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 300, limits });
    const deliver = (body: Buffer) => {
      const { mime: _, ...meta } = metaFor(body, "lazy");
      const head = Buffer.from("Received: for <u@x.test>\r\n");
      return a.appendDelivery(run.id, {
        deliveryId: uniqueRunId("d"),
        body,
        copies: [{ address: "u@x.test", head, meta, indexMime: indexMimeTree }],
      });
    };
    const [small] = await deliver(rawMessage("small"));
    const [large] = await deliver(rawMessage("large", "x".repeat(100 * 1024)));
    const fields = (id: string) => raw.hmget(`sm:{${run.id}}:m:${id}`, "meta", "mime");
    // At delivery: the small message's tree is nowhere yet; the large one's is in its metadata.
    const [smallMeta, smallTree] = await fields(small!.id);
    expect(JSON.parse(smallMeta!)).not.toHaveProperty("mime");
    expect(smallTree).toBeNull();
    expect(JSON.parse((await fields(large!.id))[0]!).mime).toEqual(
      indexMimeTree((await a.getRaw(run.id, large!.id))!),
    );
    // b reads it first: builds it from the bytes and writes it beside the message.
    const tree = indexMimeTree((await a.getRaw(run.id, small!.id))!);
    expect((await b.getMessage(run.id, small!.id))?.mime).toEqual(tree);
    await vi.waitFor(async () => expect((await fields(small!.id))[1]).not.toBeNull(), { timeout: 5000 });
    expect(JSON.parse((await fields(small!.id))[1]!)).toEqual(tree);
    // A third process reads the kept tree, without the bytes.
    const c = await RedisStore.connect(inject("redisUrl"));
    try {
      expect((await c.getMessage(run.id, small!.id))?.mime).toEqual(tree);
      expect((await c.listMessages(run.id, { order: "asc" })).map((m) => m.mime)).toEqual([
        tree,
        (await a.getMessage(run.id, large!.id))?.mime,
      ]);
    } finally {
      await c.close();
    }
  });
});

describe("RedisStore's per-process caches (message parts, mailbox indexes)", () => {
  let a: RedisStore;
  let b: RedisStore;
  let raw: Redis;

  beforeAll(async () => {
    a = await RedisStore.connect(inject("redisUrl"));
    b = await RedisStore.connect(inject("redisUrl"));
    raw = new Redis(inject("redisUrl"));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    raw?.disconnect();
  });

  it("serves the same parsed parts for the same message, and fresh flags, mailbox and UID", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    const m = await a.appendMessage(run.id, appendInput("u@x.test", "same"));
    const first = await a.getMessage(run.id, m.id);
    const second = await a.getMessage(run.id, m.id);
    // Caches keyed by these objects (IMAP's ENVELOPE and SEARCH) hit on the second read.
    expect(second?.mime).toBe(first?.mime);
    expect(second?.summary).toBe(first?.summary);
    await b.updateFlags(run.id, [m.id], { op: "add", flags: ["\\Flagged"] });
    await b.moveMessages(run.id, [m.id], (await b.getMailbox(run.id, "u@x.test", "Archive"))!.id);
    expect(await a.getMessage(run.id, m.id)).toMatchObject({
      flags: ["\\Flagged"],
      mailbox: "Archive",
      uid: 1,
    });
    expect((await a.getRaw(run.id, m.id))?.toString()).toBe((await a.getRaw(run.id, m.id))?.toString());
    await b.deleteMessages(run.id, [m.id]);
    expect(await a.getMessage(run.id, m.id)).toBeUndefined();
    expect(await a.getRaw(run.id, m.id)).toBeUndefined();
  });

  it("never serves a message of a run that was removed and created again with the same id", async () => {
    const id = uniqueRunId();
    await a.createRun({ id, ttlSeconds: 60, limits });
    const old = await a.appendMessage(id, appendInput("u@x.test", "old body"));
    const inboxIds = await defaultFolderIds(a, id);
    expect((await a.getMessage(id, old.id))?.summary.subject).toBe("old body");
    expect((await a.getRaw(id, old.id))?.toString()).toContain("old body");
    // Gone without any event, as when Redis expires it or loses its data.
    await raw.del(...(await raw.keys(`sm:{${id}}:*`)));
    await b.createRun({ id, ttlSeconds: 60, limits });
    const fresh = await appendWithIds(id, old.id, inboxIds, "new body");
    expect(fresh.id).toBe(old.id);
    expect((await a.getMessage(id, old.id))?.summary.subject).toBe("new body");
    expect((await a.getRaw(id, old.id))?.toString()).toContain("new body");
  });

  /*
   * A new incarnation of a run meets the ids of the old one only when two processes draw the same
   * id tag (new-ids.ts); the caches must not be fooled then either, so these tests write the new
   * message under the old ids through the script itself.
   */
  const FOLDERS = ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"];
  const defaultFolderIds = async (store: RedisStore, runId: string) => {
    const byName = new Map((await store.listMailboxes(runId, "u@x.test")).map((m) => [m.name, m.id]));
    return FOLDERS.map((name) => byName.get(name) as string);
  };
  const appendWithIds = async (runId: string, messageId: string, folderIds: string[], subject: string) => {
    const input = appendInput("u@x.test", subject);
    const scripts = defineScripts(raw, expungedKept(undefined));
    const args = ["u@x.test", "INBOX", input.raw, JSON.stringify(appendedMeta(input, input.raw)), "", ""];
    const call = scriptCall("smAppend", new RunKeys("sm:", runId), runId, [
      ...args,
      Date.now(),
      messageId,
      folderIds.join(" "),
      JSON.stringify(recipientKeys(input.meta.summary, undefined)),
    ]);
    const [id, , , mailboxId] = (await scripts.fns.smAppend(call)) as string[];
    return { id: String(id), mailboxId: String(mailboxId) };
  };

  const rows = async (store: RedisStore, runId: string, mailboxId: string) =>
    (await store.mailboxIndex(runId, mailboxId)).entries();

  it("reads a mailbox's index again whenever another process changed it, and only hands out copies", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    const msgs = [];
    for (const s of ["one", "two", "three"])
      msgs.push(await a.appendMessage(run.id, appendInput("u@x.test", s)));
    const inbox = msgs[0]!.mailboxId;
    const first = await rows(a, run.id, inbox);
    expect(first.map((r) => r.uid)).toEqual([1, 2, 3]);
    // A reader owns its copy: changing it changes nothing the next reader gets.
    const mine = await a.mailboxIndex(run.id, inbox);
    mine.push(99, "zz", ["\\Seen"], 999);
    mine.setFlags(0, ["\\Deleted"], 998);
    expect(await rows(a, run.id, inbox)).toEqual(first);

    await b.updateFlags(run.id, [msgs[1]!.id], { op: "add", flags: ["\\Flagged"] });
    expect((await rows(a, run.id, inbox))[1]).toMatchObject({ uid: 2, flags: ["\\Flagged"] });
    const added = await b.appendMessage(run.id, appendInput("u@x.test", "four"));
    expect((await rows(a, run.id, inbox)).map((r) => r.uid)).toEqual([1, 2, 3, 4]);
    await b.moveMessages(run.id, [msgs[0]!.id], (await b.getMailbox(run.id, "u@x.test", "Archive"))!.id);
    await b.deleteMessages(run.id, [msgs[2]!.id]);
    expect(await rows(a, run.id, inbox)).toEqual([
      { uid: 2, messageId: msgs[1]!.id, flags: ["\\Flagged"], modSeq: expect.any(Number) },
      { uid: 4, messageId: added.id, flags: [], modSeq: added.modSeq },
    ]);
    // What a itself changes is seen too, and an unchanged index reads the same.
    await a.updateFlags(run.id, [added.id], { op: "set", flags: ["\\Seen"] });
    const now = await rows(a, run.id, inbox);
    expect(now[1]).toMatchObject({ uid: 4, flags: ["\\Seen"] });
    expect(await rows(b, run.id, inbox)).toEqual(now);
    expect(await rows(a, run.id, inbox)).toEqual(now);
  });

  it("never serves the index of a run that was removed and created again with the same id", async () => {
    const id = uniqueRunId();
    await a.createRun({ id, ttlSeconds: 60, limits });
    const old = await a.appendMessage(id, appendInput("u@x.test", "old"));
    const inboxIds = await defaultFolderIds(a, id);
    await a.updateFlags(id, [old.id], { op: "add", flags: ["\\Seen"] });
    expect(await rows(a, id, old.mailboxId)).toMatchObject([{ uid: 1, flags: ["\\Seen"] }]);
    // Gone without any event, as when Redis expires it or loses its data.
    await raw.del(...(await raw.keys(`sm:{${id}}:*`)));
    await b.createRun({ id, ttlSeconds: 60, limits });
    const fresh = await appendWithIds(id, old.id, inboxIds, "new");
    const second = await b.appendMessage(id, appendInput("u@x.test", "new 2"));
    await b.updateFlags(id, [fresh.id], { op: "add", flags: ["\\Flagged"] });
    expect(fresh.mailboxId).toBe(old.mailboxId);
    expect(await rows(a, id, old.mailboxId)).toEqual([
      { uid: 1, messageId: fresh.id, flags: ["\\Flagged"], modSeq: expect.any(Number) },
      { uid: 2, messageId: second.id, flags: [], modSeq: second.modSeq },
    ]);
  });

  it("reads a batch light from the mailbox it was in, and still follows moves, flags and expunges elsewhere", async () => {
    const run = await a.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    const msgs = [];
    for (let i = 0; i < 6; i++) msgs.push(await a.appendMessage(run.id, appendInput("u@x.test", `m${i}`)));
    const ids = msgs.map((m) => m.id);
    const before = await a.getMessages(run.id, ids);
    expect(before.map((m) => m?.uid)).toEqual([1, 2, 3, 4, 5, 6]);
    const archive = (await b.getMailbox(run.id, "u@x.test", "Archive"))!;
    await b.moveMessages(run.id, [ids[1]!, ids[4]!], archive.id);
    await b.updateFlags(run.id, [ids[2]!], { op: "add", flags: ["\\Answered", "$label1"] });
    await b.deleteMessages(run.id, [ids[3]!]);
    const after = await a.getMessages(run.id, [...ids, "nosuchid"]);
    expect(after.map((m) => m && [m.mailbox, m.uid, m.flags, m.seq, m.summary.subject])).toEqual([
      ["INBOX", 1, [], msgs[0]!.seq, "m0"],
      ["Archive", 1, [], msgs[1]!.seq, "m1"],
      ["INBOX", 3, ["\\Answered", "$label1"], msgs[2]!.seq, "m2"],
      undefined,
      ["Archive", 2, [], msgs[4]!.seq, "m4"],
      ["INBOX", 6, [], msgs[5]!.seq, "m5"],
      undefined,
    ]);
    // Whole and light reads agree with a store that has cached nothing.
    const fresh = await RedisStore.connect(inject("redisUrl"));
    try {
      expect(await fresh.getMessages(run.id, ids)).toEqual(after.slice(0, 6));
    } finally {
      await fresh.close();
    }
    // The moved ones are now hinted to Archive: moving one back is still seen.
    await b.moveMessages(run.id, [ids[1]!], msgs[0]!.mailboxId);
    expect(await a.getMessages(run.id, ids.slice(0, 3))).toMatchObject([
      { mailbox: "INBOX", uid: 1 },
      { mailbox: "INBOX", uid: 7, seq: msgs[1]!.seq },
      { mailbox: "INBOX", uid: 3 },
    ]);
  });
});

describe("RedisStore while Redis is down", () => {
  let server: TestRedis;
  let store: RedisStore;

  beforeAll(async () => {
    server = await startRedisServer();
    store = await RedisStore.connect({ url: server.url, connectWaitMs: 300 });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it("rejects calls with store_unavailable, then works again after a restart", async () => {
    const run = await store.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    await store.appendMessage(run.id, appendInput("u@x.test", "before"));
    const sub = await collectEvents(store, run.id);

    await server.stop();
    await expect(store.appendMessage(run.id, appendInput("u@x.test", "during"))).rejects.toMatchObject({
      code: "store_unavailable",
    });
    await expect(store.getRun(run.id)).rejects.toMatchObject({ code: "store_unavailable" });
    await expect(store.listMessages(run.id)).rejects.toMatchObject({ code: "store_unavailable" });
    await expect(store.ping()).rejects.toMatchObject({ code: "store_unavailable" });

    await server.restart();
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await store.ping().then(
        () => true,
        () => false,
      );
    }
    expect(up).toBe(true);
    // The restarted server is empty; the same run id works again, and so does the subscription
    // made before the outage (resubscribed by the client).
    await store.createRun({ id: run.id, ttlSeconds: 60, limits });
    let got = false;
    for (let i = 0; i < 50 && !got; i++) {
      await store.appendMessage(run.id, appendInput("u@x.test", `after ${i}`));
      got = await sub.until(sub.events.length + 1, 200).then(
        () => sub.events.some((e) => e.type === "message.added"),
        () => false,
      );
    }
    expect(got).toBe(true);
    expect((await store.listMessages(run.id)).length).toBeGreaterThan(0);
  });
});

/** The run's keys, found by SCAN over its prefix (its hash tag). */
async function keysOf(raw: Redis, runId: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await raw.scan(cursor, "MATCH", `sm:{${runId}}:*`, "COUNT", 10_000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== "0");
  return found;
}

/**
 * The longest command Redis ran for the run (SLOWLOG: the server's own time, a script counted
 * whole) while `fn` ran. Only commands naming the run count: other test files share the server.
 */
async function longestCommandMs<T>(raw: Redis, runId: string, fn: () => Promise<T>) {
  const [, threshold] = (await raw.config("GET", "slowlog-log-slower-than")) as [string, string];
  await raw.config("SET", "slowlog-log-slower-than", "1000");
  try {
    await raw.slowlog("RESET");
    const result = await fn();
    const entries = (await raw.slowlog("GET", -1)) as Array<[number, number, number, string[]]>;
    const mine = entries.filter(([, , , args]) => args.some((arg) => String(arg).includes(`{${runId}}`)));
    expect(mine.length).toBeGreaterThan(0);
    return { result, ms: Math.max(...mine.map(([, , us]) => Number(us))) / 1000 };
  } finally {
    await raw.config("SET", "slowlog-log-slower-than", threshold);
  }
}
