import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { RedisStore } from "../src/index.js";
import type { RedisConnection } from "../src/redis/connection.js";
import { LibraryLoader } from "../src/redis/functions.js";
import { library } from "../src/redis/lua/library.js";
import { metaFor, rawMessage, uniqueRunId } from "./fixtures.js";

/*
 * The scripts are one Redis Functions library (src/redis/lua/library.ts, functions.ts), loaded as
 * the store connects. A Redis of its own: these tests flush its functions.
 */
let redis: TestRedis;
let raw: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url);
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});

const limits = { maxMessages: 100, maxBytes: 1e6 };

const delivery = (subject: string) => {
  const body = rawMessage(subject, "one body");
  return {
    deliveryId: uniqueRunId("d"),
    body,
    copies: ["a@x.test", "b@x.test"].map((address) => {
      const head = Buffer.from(`Received: for <${address}>\r\n`);
      return { address, head, meta: metaFor(Buffer.concat([head, body]), subject) };
    }),
  };
};

/** The names of the sandmail libraries Redis holds. */
const libraries = async (): Promise<string[]> => {
  const list = (await raw.call("FUNCTION", "LIST")) as unknown[][];
  return list
    .map((lib) => String(lib[lib.indexOf("library_name") + 1]))
    .filter((name) => name.startsWith("sandmail_"))
    .sort();
};

describe("RedisStore's function library", () => {
  it("is loaded again by the next call after Redis lost it (FUNCTION FLUSH), a delivery's or a read's", async () => {
    const store = await RedisStore.connect({ url: redis.url });
    try {
      const run = await store.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
      await store.appendDelivery(run.id, delivery("before"));
      expect(await libraries()).toHaveLength(1);

      await raw.call("FUNCTION", "FLUSH");
      expect(await libraries()).toEqual([]);
      // No reconnection tells the store: the delivery finds its function missing, loads the
      // library and runs again, once.
      const rows = await store.appendDelivery(run.id, delivery("after"));
      expect(rows).toHaveLength(2);
      expect(await libraries()).toHaveLength(1);

      await raw.call("FUNCTION", "FLUSH");
      expect((await store.runCounts(run.id)).messages).toBe(4);
      const listed = await store.listMessages(run.id, { address: "a@x.test" });
      expect(listed.map((m) => m.summary.subject).sort()).toEqual(["after", "before"]);
    } finally {
      await store.close();
    }
  });

  it("lives beside another version's library in one Redis, each store calling its own", async () => {
    // Another expungedKept is another source, so another library, as another sandmail version is.
    const ours = await RedisStore.connect({ url: redis.url });
    const theirs = await RedisStore.connect({ url: redis.url, expungedKept: 500 });
    const again = await RedisStore.connect({ url: redis.url });
    try {
      const names = await libraries();
      expect(names).toHaveLength(2);
      const run = await ours.createRun({ id: uniqueRunId(), ttlSeconds: 60, limits });
      await ours.appendDelivery(run.id, delivery("ours"));
      await theirs.appendDelivery(run.id, delivery("theirs"));
      await again.appendDelivery(run.id, delivery("again"));
      const subjects = async (store: RedisStore) =>
        (await store.listMessages(run.id, { address: "b@x.test" })).map((m) => m.summary.subject).sort();
      expect(await subjects(ours)).toEqual(["again", "ours", "theirs"]);
      expect(await subjects(theirs)).toEqual(["again", "ours", "theirs"]);
      // Loading either again replaces nothing: the names are still the same two.
      await RedisStore.connect({ url: redis.url, expungedKept: 500 }).then((s) => s.close());
      expect(await libraries()).toEqual(names);
    } finally {
      await ours.close();
      await theirs.close();
      await again.close();
    }
  });
});

describe("a Redis older than 7.0", () => {
  it("is refused with the version it runs and the one sandmail needs", async () => {
    // What a Redis 6.2 answers to FUNCTION LOAD, and its INFO server.
    const old = {
      on: () => old,
      call: async () => {
        throw new Error("ERR unknown command 'FUNCTION', with args beginning with: 'LOAD' ");
      },
      info: async () => "# Server\r\nredis_version:6.2.14\r\nredis_mode:standalone\r\n",
    };
    const loader = new LibraryLoader(old as unknown as RedisConnection, library("local x = 1\n"));
    await expect(loader.load()).rejects.toMatchObject({
      code: "invalid_request",
      message: "sandmail needs Redis 7.0 or newer (Redis Functions); this server is Redis 6.2.14",
    });
  });
});

describe("LibraryLoader.retry", () => {
  it("rejects a call that throws at once, and runs one that finds the library missing once more after loading it", async () => {
    const loads: unknown[][] = [];
    const fake = {
      on: () => fake,
      call: async (...args: unknown[]) => {
        loads.push(args);
        return "OK";
      },
    };
    const loader = new LibraryLoader(fake as unknown as RedisConnection, library("local x = 1\n"));
    // A rejection, not a throw: a group's call that fails before it is sent must still settle
    // every delivery waiting on it (delivery-group.ts).
    let thrown: Promise<unknown> | undefined;
    expect(() => {
      thrown = loader.retry(() => {
        throw new Error("before sending");
      });
    }).not.toThrow();
    await expect(thrown).rejects.toThrow("before sending");
    expect(loads).toHaveLength(0);
    let runs = 0;
    const answer = loader.retry(async () => {
      runs++;
      if (runs === 1) throw new Error("ERR Function not found");
      return "stored";
    });
    await expect(answer).resolves.toBe("stored");
    expect(runs).toBe(2);
    expect(loads).toHaveLength(1);
    expect(loads[0]?.slice(0, 2)).toEqual(["FUNCTION", "LOAD"]);
    // Any other failure is the caller's, without a load.
    await expect(loader.retry(() => Promise.reject(new Error("ERR other")))).rejects.toThrow("ERR other");
    expect(loads).toHaveLength(1);
  });
});
