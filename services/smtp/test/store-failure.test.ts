import { RedisStore } from "@sandmail/store";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { type Harness, startHarness } from "./support/harness.js";
import { LineClient } from "./support/line-client.js";
import { pythonSend } from "./support/python-smtp.js";

let redis: TestRedis;
let store: RedisStore;
let h: Harness;

beforeAll(async () => {
  redis = await startRedisServer();
  // A short connect wait keeps the outage phase quick; the behaviour is the same at the default.
  store = new RedisStore({ url: redis.url, keyPrefix: "smtp-test:", connectWaitMs: 300 });
  h = await startHarness({ store });
});
afterAll(async () => {
  await h?.stop();
  await store?.close();
  await redis?.stop();
});

/** ping() fails within the store's connect wait while Redis is away; bounded retries. */
async function waitForStore(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.ping();
      return;
    } catch (err) {
      if (attempt >= 30) throw err;
    }
  }
}

type SendError = { responseCode?: number; response?: string };

describe("store failure (RedisStore on a private redis-server)", () => {
  it("answers 451 4.3.0 while Redis is down, 250 again after it is back, and loses nothing it accepted", async () => {
    const runSpec = { id: "failover", token: "failover-token-0123456789" };
    const createRun = () =>
      store.createRun({ ...runSpec, ttlSeconds: 600, limits: { maxMessages: 1000, maxBytes: 1e8 } });
    await createRun();
    const to = `inbox@${runSpec.id}.sandmail.test`;
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true });
    const send = (subject: string) =>
      transport.sendMail({ from: "a@example.com", to, subject, text: subject });

    // Up: accepted and stored.
    for (const n of [1, 2, 3]) expect((await send(`up-${n}`)).response).toMatch(/^250 /);
    expect((await store.listMessages(runSpec.id)).map((m) => m.summary.subject).sort()).toEqual([
      "up-1",
      "up-2",
      "up-3",
    ]);

    // A transaction that starts while Redis is up and reaches DATA after it went down.
    const straddle = await LineClient.connect(h.port);
    expect((await straddle.read()).code).toBe(220);
    straddle.write(`EHLO s.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    for (const code of [250, 250, 250, 354]) expect((await straddle.read()).code).toBe(code);

    await redis.stop();

    const atData = await straddle.command("Subject: straddle\r\n\r\nx\r\n.");
    expect(atData.code).toBe(451);
    expect(atData.text).toMatch(/^451 4\.3\.0 /);
    straddle.end();

    // A fresh sender is refused with 451 too (at RCPT, where the run is looked up).
    const down = (await send("down-1").catch((e: SendError) => e)) as SendError;
    expect(down.responseCode).toBe(451);
    expect(down.response).toMatch(/^451 4\.3\.0 /);
    const py = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "a@example.com",
      to: [to],
      message: "Subject: down-py\r\n\r\nx\r\n",
    });
    expect(py).toMatchObject({ ok: false, code: 451 });

    // Back (empty: the test server keeps no data). Once the store reconnects, the sender's
    // retries of what got 451 are accepted, like new mail.
    await redis.restart();
    await waitForStore();
    await createRun();
    const accepted: string[] = [];
    for (const subject of ["straddle", "down-1", "down-py", "after-1", "after-2"]) {
      expect((await send(subject)).response).toMatch(/^250 /);
      accepted.push(subject);
    }
    const stored = await store.listMessages(runSpec.id);
    expect(stored.map((m) => m.summary.subject).sort()).toEqual([...accepted].sort());
    for (const m of stored) {
      const raw = await store.getRaw(runSpec.id, m.id);
      expect(raw?.length).toBe(m.size);
      expect(raw?.toString("utf8")).toContain(`Subject: ${m.summary.subject}\r\n`);
    }
  });
});
