import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type TestCluster } from "../../../test/support/redis-cluster.js";
import { redisCli } from "../../../test/support/redis-server.js";
import { RedisStore } from "../src/index.js";
import { library } from "../src/redis/lua/library.js";
import { scriptsBody } from "../src/redis/scripts.js";
import { expungedKept } from "../src/shared/inputs.js";
import { describeMailStoreContract } from "./contract.js";
import { appendInput, collectEvents, uniqueRunId } from "./fixtures.js";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

describeMailStoreContract("RedisStore on a Redis Cluster (3 masters, 3 replicas)", async (options) =>
  RedisStore.connect({ url: cluster.url, ...options }),
);

/**
 * Runs created until they are on all 3 masters, with the port of each one's master. Run ids are
 * random: 12 tries missed a master in about 2% of runs (3 x (2/3)^12), 64 in about 1e-11.
 */
async function runsOnEveryMaster(store: RedisStore): Promise<Array<{ id: string; master: number }>> {
  const runs: Array<{ id: string; master: number }> = [];
  for (let i = 0; i < 64 && new Set(runs.map((r) => r.master)).size < 3; i++) {
    const run = await store.createRun({
      id: uniqueRunId(),
      ttlSeconds: 60,
      limits: { maxMessages: 10, maxBytes: 1e6 },
    });
    runs.push({ id: run.id, master: await cluster.masterOf(`{${run.id}}`) });
  }
  expect(new Set(runs.map((r) => r.master)).size).toBe(3);
  return runs;
}

describe("RedisStore on a Redis Cluster", () => {
  it("spreads runs over the masters, each run's events travelling through its own shard", async () => {
    const a = await RedisStore.connect({ url: cluster.url });
    const b = await RedisStore.connect({ url: cluster.url });
    try {
      for (const [i, run] of (await runsOnEveryMaster(a)).entries()) {
        const events = await collectEvents(b, run.id);
        const msg = await a.appendMessage(run.id, appendInput("u@x.test", `on shard ${i}`));
        expect((await events.until(2)).at(-1)).toMatchObject({ type: "message.added", messageId: msg.id });
        expect(await b.getMessage(run.id, msg.id)).toEqual(msg);
        events.unsubscribe();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("loads its function library on every master, and again on the master of a call that finds it gone", async () => {
    const store = await RedisStore.connect({ url: cluster.url });
    // The contract above loaded others too (other options, other sources).
    const ours = library(scriptsBody(expungedKept(undefined))).name;
    const libraries = async (port: number) =>
      (await redisCli(port, ["FUNCTION", "LIST"])).split("\n").filter((line) => line.startsWith("sandmail_"));
    try {
      const runs = await runsOnEveryMaster(store);
      const masters = new Set(runs.map((r) => r.master));
      for (const port of masters) expect(await libraries(port)).toContain(ours);
      // Every master loses it; no reconnection tells the store.
      for (const port of masters) await redisCli(port, ["FUNCTION", "FLUSH"]);
      for (const port of masters) expect(await libraries(port)).toEqual([]);
      for (const run of runs) await store.appendMessage(run.id, appendInput("u@x.test", "after the flush"));
      for (const port of masters) expect(await libraries(port)).toContain(ours);
      for (const run of runs) expect((await store.runCounts(run.id)).messages).toBe(1);
    } finally {
      await store.close();
    }
  });
});
