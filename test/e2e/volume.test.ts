import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

const TOTAL = 10_000;

describe("volume", () => {
  let sb: TestSandbox;
  let run: TestRun;
  beforeAll(async () => {
    sb = await startTestSandbox();
    run = await sb.createRun();
  });
  afterAll(() => sb.close());

  it(`ingests ${TOTAL.toLocaleString("en")} messages with none lost (count and bytes)`, {
    timeout: 180_000,
  }, async () => {
    const t = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      ignoreTLS: true,
      pool: true,
      maxConnections: 10,
      maxMessages: Number.POSITIVE_INFINITY,
    });
    const sent = new Map<string, Buffer>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < TOTAL; i = next++) {
        const to = run.address(`u${i % 7}`);
        const raw = Buffer.from(
          `From: a@example.com\r\nTo: ${to}\r\nSubject: v${i}\r\n\r\nmessage ${i} ${"lorem ipsum ".repeat(i % 50)}\r\n`,
        );
        sent.set(`v${i}`, raw);
        await t.sendMail({ envelope: { from: "a@example.com", to: [to] }, raw });
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    t.close();

    const info = (await (await sb.api(run, `/v1/runs/${run.id}`)).json()) as {
      counts: { messages: number; bytes: number };
    };
    expect(info.counts.messages).toBe(TOTAL);

    const stored = await sb.store.listMessages(run.id, { limit: TOTAL + 10 });
    expect(stored).toHaveLength(TOTAL);
    let bytes = 0;
    let exact = 0;
    for (const m of stored) {
      const raw = await sb.store.getRaw(run.id, m.id);
      if (!raw) throw new Error(`raw of ${m.id} missing`);
      expect(raw.length).toBe(m.size);
      bytes += raw.length;
      const original = sent.get(m.summary.subject);
      // The stored message is the sent bytes with trace headers prepended, nothing else changed.
      if (original && raw.subarray(raw.length - original.length).equals(original)) exact++;
    }
    expect(exact).toBe(TOTAL);
    expect(info.counts.bytes).toBe(bytes);
  });
});
