import { RedisStore } from "@sandmail/store";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../support/redis-server.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

describe("a store failure answers 451, never 250", () => {
  let redis: TestRedis;
  let sb: TestSandbox;
  let run: TestRun;

  beforeAll(async () => {
    // Persistent, so a crash loses nothing that Redis acknowledged: what got 250 must survive.
    redis = await startRedisServer({ persistent: true });
    sb = await startTestSandbox({ REDIS_URL: redis.url });
    run = await sb.createRun();
  });
  afterAll(async () => {
    await sb.close();
    await redis.stop();
  });

  it("451 while Redis is down, 250 again after it restarts, nothing accepted lost", async () => {
    expect(sb.store).toBeInstanceOf(RedisStore);
    const t = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    const send = (i: number) =>
      t.sendMail({
        from: "a@example.com",
        to: run.address("outage"),
        subject: `m${i}`,
        text: `message ${i}`,
      });

    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      await send(i);
      accepted.push(`m${i}`);
    }

    await redis.stop();
    for (let i = 5; i < 8; i++) {
      await expect(send(i)).rejects.toMatchObject({ responseCode: 451 });
    }

    await redis.restart();
    // ioredis reconnects with backoff; the sender retries a 451 as a real MTA would.
    let delivered = false;
    for (let attempt = 0; attempt < 50 && !delivered; attempt++) {
      try {
        await send(8);
        delivered = true;
      } catch (err) {
        expect((err as { responseCode?: number }).responseCode).toBe(451);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(delivered).toBe(true);
    accepted.push("m8");

    const res = await sb.api(run, `/v1/runs/${run.id}/messages?limit=100`);
    expect(res.status).toBe(200);
    const subjects = ((await res.json()) as { messages: Array<{ subject: string }> }).messages.map(
      (m) => m.subject,
    );
    expect(subjects.sort()).toEqual(accepted.sort());
  });
});
