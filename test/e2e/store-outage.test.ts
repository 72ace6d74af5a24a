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

describe("a Redis that lost its data", () => {
  let redis: TestRedis;
  let sb: TestSandbox;

  beforeAll(async () => {
    redis = await startRedisServer();
    sb = await startTestSandbox({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await sb.close();
    await redis.stop();
  });

  it("gets its catch-all run back (same token), /readyz and mail for no run included", async () => {
    const token = sb.defaultRun?.token ?? "";
    expect(token).not.toBe("");
    const run = await sb.createRun();
    await redis.stop();
    await redis.restart(); // not persistent: everything is gone
    const catchAll = { token };
    // The store reconnects with backoff; readiness tells when it is back, honestly.
    let ready = 0;
    for (let attempt = 0; attempt < 50 && ready !== 200; attempt++) {
      ready = (await fetch(`${sb.apiUrl}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
    expect((await sb.api(catchAll, "/v1/runs/default")).status).toBe(200);
    await sb.store.deleteRun("default");

    const t = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    await t.sendMail({
      from: "a@example.com",
      to: "someone@example.org",
      subject: "caught again",
      text: "x",
    });
    const list = await sb.api(catchAll, "/v1/runs/default/messages");
    expect(list.status).toBe(200);
    const subjects = ((await list.json()) as { messages: Array<{ subject: string }> }).messages.map(
      (m) => m.subject,
    );
    expect(subjects).toEqual(["caught again"]);

    // The lost run's address is refused, never caught into the shared run.
    await expect(
      t.sendMail({ from: "a@example.com", to: run.address("x"), subject: "lost", text: "x" }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining("5.1.1") });
  });
});
