import { RedisStore } from "@sandmail/store";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type TestCluster } from "../../../test/support/redis-cluster.js";
import { type Harness, startHarness } from "./support/harness.js";

let cluster: TestCluster;
let store: RedisStore;
let reader: RedisStore;
let h: Harness;

beforeAll(async () => {
  cluster = await startRedisCluster();
  // A 250 means a replica holds the message (WAIT 1), as with SANDMAIL_REDIS_WAIT_REPLICAS=1.
  store = await RedisStore.connect({ url: cluster.url, waitReplicas: 1, commitWaitMs: 30_000 });
  reader = await RedisStore.connect({ url: cluster.url });
  h = await startHarness({ store });
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await store?.close();
  await reader?.close();
  await cluster?.stop();
});

type Outcome = { subject: string; code: number; at: number };

describe("SMTP on a Redis Cluster whose master fails (3 masters, 3 replicas, WAIT 1)", () => {
  it("keeps every message it answered 250 for, and takes mail again after the replica is promoted", async () => {
    const run = await h.createRun({ maxMessages: 100_000 });
    const to = `load@${run.id}.sandmail.test`;
    const outcomes: Outcome[] = [];
    let stop = false;

    const sender = async (n: number) => {
      const transport = nodemailer.createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true });
      for (let i = 0; !stop; i++) {
        const subject = `s${n}-${i}`;
        const code = await transport
          .sendMail({ from: "load@example.com", to, subject, text: `message ${subject}` })
          .then(
            () => 250,
            (err: { responseCode?: number }) => err.responseCode ?? 0,
          );
        outcomes.push({ subject, code, at: Date.now() });
      }
      transport.close();
    };
    const accepted = () => outcomes.filter((o) => o.code === 250).length;
    // Generous bounds: on a loaded 2-core machine a failover and a resync can take a while.
    const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 90_000) => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const load = Promise.all([0, 1, 2, 3].map(sender));
    try {
      await until(() => accepted() >= 30, "30 messages accepted before the failure");

      const master = await cluster.masterOf(`{${run.id}}`);
      await cluster.kill(master);
      const killedAt = Date.now();
      // Its replica takes over once the others have marked it failed (cluster-node-timeout 1 s).
      await until(
        async () => (await cluster.masterOf(`{${run.id}}`).catch(() => master)) !== master,
        "the replica to be promoted",
      );
      // The failed master comes back as the new master's replica, so WAIT 1 can be met again.
      await cluster.restart(master);
      await cluster.waitHealthy(90_000);

      const before = outcomes.filter((o) => o.code === 250 && o.at > killedAt).length;
      await until(
        () => outcomes.filter((o) => o.code === 250 && o.at > killedAt).length >= before + 30,
        "30 more messages accepted after the failover",
      );
    } finally {
      stop = true;
      await load;
    }

    const stored = new Map<string, number>();
    for (const m of await reader.listMessages(run.id)) {
      stored.set(m.summary.subject, (stored.get(m.summary.subject) ?? 0) + 1);
    }
    const lost = outcomes.filter((o) => o.code === 250 && stored.get(o.subject) !== 1);
    expect(lost, `250 but not stored exactly once: ${JSON.stringify(lost.slice(0, 5))}`).toEqual([]);
    // Anything not accepted was refused as temporary, never as permanent.
    expect(outcomes.filter((o) => o.code !== 250).every((o) => o.code === 451)).toBe(true);
    expect(accepted()).toBeGreaterThanOrEqual(60);
  }, 300_000);
});
