import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { StoredMessage, StoreEvent } from "@sandmail/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { type DeliveryInput, RedisStore } from "../src/index.js";
import { encodeMeta } from "../src/redis/codec.js";
import { DeliveryGroups, groupAnswer } from "../src/redis/delivery-group.js";
import { RunKeys } from "../src/redis/keys.js";
import { defineScripts, scriptCall } from "../src/redis/scripts.js";
import { expungedKept } from "../src/shared/inputs.js";
import { metaFor, rawMessage, uniqueRunId } from "./fixtures.js";

/*
 * Group commit of deliveries (src/redis/delivery-group.ts): while a run's delivery call is in
 * flight the deliveries that come go together as the next call. A Redis of its own, so that its
 * FCALL count is this file's.
 */
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const limits = { maxMessages: 10_000, maxBytes: 100_000_000 };

async function fcalls(): Promise<number> {
  const stats = await redis.cli("INFO", "commandstats");
  return Number(/cmdstat_fcall:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

function delivery(address: string, subject: string, extra: { mailbox?: string; deliveryId?: string } = {}) {
  const body = rawMessage(subject, randomBytes(1500).toString("base64"));
  const head = Buffer.from(`Received: for <${address}>\r\n`);
  const input: DeliveryInput = {
    deliveryId: extra.deliveryId ?? uniqueRunId("d"),
    body,
    copies: [{ address, head, meta: metaFor(Buffer.concat([head, body]), subject), mailbox: extra.mailbox }],
  };
  return { input, bytes: Buffer.concat([head, body]) };
}

describe("RedisStore's deliveries in groups", () => {
  let store: RedisStore;
  let other: RedisStore;

  beforeAll(async () => {
    store = await RedisStore.connect({ url: redis.url, checkKeys: true });
    other = await RedisStore.connect({ url: redis.url });
  });
  afterAll(async () => {
    await store?.close();
    await other?.close();
  });

  it("stores 50 concurrent deliveries each once, byte for byte, in fewer calls than deliveries", async () => {
    const run = await store.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    await store.appendDelivery(run.id, delivery("u@x.test", "warm").input);
    const sent = Array.from({ length: 50 }, (_, i) =>
      delivery(i % 5 === 0 ? `v${i}@x.test` : "u@x.test", `m${i}`),
    );
    const calls0 = await fcalls();
    const stored = await Promise.all(sent.map((d) => store.appendDelivery(run.id, d.input)));
    const calls = (await fcalls()) - calls0;
    expect(calls).toBeLessThan(sent.length);
    const ids = stored.map(([m]) => m!.id);
    expect(new Set(ids).size).toBe(sent.length);
    expect(new Set(stored.map(([m]) => m!.seq)).size).toBe(sent.length);
    expect((await store.runCounts(run.id)).messages).toBe(sent.length + 1);
    for (const [i, [m]] of stored.entries()) {
      expect((await other.getRaw(run.id, m!.id))?.equals(sent[i]!.bytes)).toBe(true);
      expect(m!.size).toBe(sent[i]!.bytes.length);
    }
    const uids = (await other.listMessages(run.id, { address: "u@x.test" })).map((m) => m.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it("answers each delivery of a group its own: one asking for keys or ids, one refused, the rest stored", async () => {
    const run = await store.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    // The store learns where u@x.test's Work and j@x.test's Junk are.
    await store.createMailbox(run.id, "u@x.test", "Work");
    await store.appendDelivery(run.id, delivery("u@x.test", "w0", { mailbox: "Work" }).input);
    await store.appendDelivery(run.id, delivery("j@x.test", "j0", { mailbox: "Junk" }).input);
    // Another process makes Work again (new id: its keys are not the ones this store declares),
    // and j@x.test's Junk is no longer named (this store believes it made: it gives no ids for
    // it). Only a listing of the address's folders (which also stops a deleted default coming
    // back) could do that through a store: here by hand.
    await other.deleteMailbox(run.id, "u@x.test", "Work");
    await other.createMailbox(run.id, "u@x.test", "Work");
    const raw = new Redis(redis.url);
    await raw.hdel(new RunKeys("sm:", run.id).address("j@x.test")[0]!, "Junk");
    raw.disconnect();
    const before = await store.runCounts(run.id);
    const sent = [
      delivery("u@x.test", "first"),
      delivery("u@x.test", "a"),
      delivery("u@x.test", "work", { mailbox: "Work" }),
      delivery("u@x.test", "b"),
      delivery("j@x.test", "junk", { mailbox: "Junk" }),
      delivery("u@x.test", "nope", { mailbox: "Nope" }),
      delivery("u@x.test", "c"),
    ];
    const results = await Promise.allSettled(sent.map((d) => store.appendDelivery(run.id, d.input)));
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: "mailbox_not_found" });
    expect((await store.runCounts(run.id)).messages).toBe(before.messages + 6);
    const work = await other.getMailbox(run.id, "u@x.test", "Work");
    const junk = await other.getMailbox(run.id, "j@x.test", "Junk");
    const stored = (i: number) => (results[i] as PromiseFulfilledResult<StoredMessage[]>).value[0]!;
    const [workMsg, junkMsg] = [stored(2), stored(4)];
    expect(workMsg!.mailboxId).toBe(work!.id);
    expect(junkMsg!.mailboxId).toBe(junk!.id);
    for (const [i, r] of results.entries()) {
      if (r.status !== "fulfilled") continue;
      expect((await other.getRaw(run.id, r.value[0]!.id))?.equals(sent[i]!.bytes)).toBe(true);
    }
  });

  it("stores a delivery id seen twice in one group once, and answers both its messages", async () => {
    const run = await store.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
    await store.appendDelivery(run.id, delivery("u@x.test", "warm").input);
    const twice = delivery("u@x.test", "twice");
    const calls0 = await fcalls();
    // The first goes alone; the rest wait for it and go as one group.
    const [, a, , b] = await Promise.all(
      [delivery("u@x.test", "first"), twice, delivery("u@x.test", "between"), twice].map((d) =>
        store.appendDelivery(run.id, d.input),
      ),
    );
    expect((await fcalls()) - calls0).toBe(2);
    expect(b!.map((m) => m.id)).toEqual(a!.map((m) => m.id));
    expect((await store.runCounts(run.id)).messages).toBe(4);
    expect((await other.getRaw(run.id, a![0]!.id))?.equals(twice.bytes)).toBe(true);
  });
});

describe("a group's writes to the keys its messages share", () => {
  it("makes them with their expiry, indexes every recipient, and emits its events in seq order", async () => {
    const raw = new Redis(redis.url);
    const store = await RedisStore.connect({ url: redis.url });
    try {
      const scripts = defineScripts(raw, expungedKept(undefined), true);
      const run = await store.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
      const keys = new RunKeys("sm:", run.id);
      const heard: StoreEvent[] = [];
      let allHeard = () => {};
      const five = new Promise<void>((resolve) => {
        allHeard = resolve;
      });
      await store.subscribe(run.id, (e) => {
        heard.push(e);
        if (heard.length === 5) allHeard();
      });
      // One call of three deliveries to a run with nothing in it yet: every key its messages
      // share is made within the group. The second finds the INBOX the first made; the third
      // is flagged (a flag JSON escapes) for a new address.
      const body = rawMessage("grouped");
      const copy = (address: string, flags: string, id: string, ids: string, rcpts: string[]) => [
        address,
        "INBOX",
        "",
        encodeMeta(metaFor(body, "grouped")),
        "",
        flags,
        String(Date.now()),
        id,
        ids,
        JSON.stringify(rcpts),
      ];
      const deliveries = [
        copy("a@x.test", "", "m1", "mba", ["a@x.test", "shared@x.test"]),
        copy("a@x.test", "", "m2", "", ["a@x.test", "shared@x.test"]),
        copy("b@x.test", "\\Seen", "m3", "mbb", ["b@x.test", "shared@x.test"]),
      ].flatMap((c) => {
        const args = [uniqueRunId("d"), String(Date.now() + 60_000), body, "", ...c];
        return [args.length, ...args];
      });
      const answers = (
        (await scripts.fns.smAppendDelivery(
          scriptCall("smAppendDelivery", keys, run.id, deliveries),
        )) as unknown[]
      ).map(groupAnswer);
      expect(answers).toEqual([[["m1", 2, 1, "mba"]], [["m2", 3, 2, "mba"]], [["m3", 5, 1, "mbb"]]]);

      const made = await raw.keys(`${keys.prefix}*`);
      expect(made).toEqual(
        expect.arrayContaining(
          ["ix:mba", "fl:mba", "aseq:a@x.test", "seq", "ev", "rcpt:shared@x.test", "rcpts"].map(
            (k) => keys.prefix + k,
          ),
        ),
      );
      expect((await Promise.all(made.map((key) => raw.pttl(key)))).filter((ttl) => ttl < 0)).toEqual([]);
      expect(await raw.hgetall(keys.prefix + "fl:mba")).toEqual({ m1: "1 2 ", m2: "2 3 " });

      const expected = [
        { type: "mailbox.created", seq: 1, mailboxId: "mba", address: "a@x.test" },
        {
          type: "message.added",
          seq: 2,
          messageId: "m1",
          mailboxId: "mba",
          address: "a@x.test",
          uid: 1,
          flags: [],
          modSeq: 2,
        },
        {
          type: "message.added",
          seq: 3,
          messageId: "m2",
          mailboxId: "mba",
          address: "a@x.test",
          uid: 2,
          flags: [],
          modSeq: 3,
        },
        { type: "mailbox.created", seq: 4, mailboxId: "mbb", address: "b@x.test" },
        {
          type: "message.added",
          seq: 5,
          messageId: "m3",
          mailboxId: "mbb",
          address: "b@x.test",
          uid: 1,
          flags: ["\\Seen"],
          modSeq: 5,
        },
      ].map((e) => expect.objectContaining({ ...e, runId: run.id }));
      expect(await store.eventsSince(run.id, 0)).toEqual(expected);
      await five;
      expect(heard).toEqual(expected);

      const shared = await store.listMessages(run.id, { recipient: "shared@x.test", order: "asc" });
      expect(shared.map((m) => m.id)).toEqual(["m1", "m2", "m3"]);
      expect((await store.listMessages(run.id, { recipient: "b@x.test" })).map((m) => m.id)).toEqual(["m3"]);
      expect((await store.getMailbox(run.id, "b@x.test", "INBOX"))?.unseen).toBe(0);
    } finally {
      await store.close();
      raw.disconnect();
    }
  });
});

describe("DeliveryGroups", () => {
  it("sends a large delivery in a group of its own, its body counted even when uploaded ahead", async () => {
    const sent: number[][] = [];
    const answered: Array<() => void> = [];
    const groups = new DeliveryGroups(async (_runId, group) => {
      sent.push(group.map((d) => d.bytes));
      await new Promise<void>((resolve) => answered.push(resolve));
      return group.map(() => []);
    });
    // An uploaded body is not in the arguments ('' in their place).
    const d = (bytes: number) => groups.deliver("r", { args: ["id", 0, "", "1"], extra: [], bytes });
    const all = [d(2000), d(16 << 20), d(16 << 20), d(2000), d(3000)];
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      answered.shift()?.();
    }
    await Promise.all(all);
    expect(sent).toEqual([[2000], [16 << 20], [16 << 20], [2000, 3000]]);
  });
});

/**
 * A TCP proxy in front of Redis that, once armed, lets the next FCALL through and then cuts its
 * connection as the reply comes back: Redis ran the call, its caller never hears.
 */
class CuttingProxy {
  readonly #server: Server;
  #armed = 0;
  cuts = 0;

  constructor(upstreamPort: number) {
    this.#server = createServer((client: Socket) => {
      const upstream = connect(upstreamPort, "127.0.0.1");
      let doomed = false;
      client.on("data", (chunk) => {
        if (this.#armed > 0 && /fcall/i.test(chunk.toString("latin1"))) {
          this.#armed--;
          if (this.#armed === 0) doomed = true;
        }
        upstream.write(chunk);
      });
      upstream.on("data", (chunk) => {
        if (doomed) {
          this.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.#server.listen(0, "127.0.0.1", () => resolve((this.#server.address() as { port: number }).port));
    });
  }

  /** Cuts the connection of the nth FCALL from now as its reply comes. */
  arm(nth: number): void {
    this.#armed = nth;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

describe("RedisStore's delivery groups when the connection drops", () => {
  it("retries each delivery of a group whose reply was lost, and stores each once", async () => {
    const proxy = new CuttingProxy(redis.port);
    const port = await proxy.listen();
    const store = await RedisStore.connect({ url: `redis://127.0.0.1:${port}` });
    try {
      const run = await store.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
      await store.appendDelivery(run.id, delivery("u@x.test", "warm").input);
      const sent = Array.from({ length: 10 }, (_, i) => delivery("u@x.test", `m${i}`));
      // The first delivery goes alone; the other nine as one group, which Redis runs and whose
      // reply is lost.
      proxy.arm(2);
      const stored = await Promise.all(sent.map((d) => store.appendDelivery(run.id, d.input)));
      expect(proxy.cuts).toBe(1);
      expect((await store.runCounts(run.id)).messages).toBe(sent.length + 1);
      const ids = stored.map(([m]) => m!.id);
      expect(new Set(ids).size).toBe(sent.length);
      const listed = await store.listMessages(run.id, { address: "u@x.test" });
      expect(listed).toHaveLength(sent.length + 1);
      expect(ids.filter((id) => !listed.some((m) => m.id === id))).toEqual([]);
      for (const [i, [m]] of stored.entries()) {
        expect((await store.getRaw(run.id, m!.id))?.equals(sent[i]!.bytes)).toBe(true);
      }
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});
