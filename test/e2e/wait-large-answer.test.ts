import nodemailer, { type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandmail } from "../../packages/sdk/src/index.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

const MiB = 1024 * 1024;
const COUNT = 22;
/** What a wait answers in full, in message bytes (services/api/src/wait/answer-budget.ts). */
const ANSWER_BUDGET = 64 * MiB;

interface View {
  id: string;
  subject: string;
  size: number;
  text?: string;
  headers: unknown[];
  contentOmitted?: boolean;
  parseError?: string;
}

/**
 * `wait?count=22` over 22 messages of 25 MiB answered 500 (RangeError: Invalid string length:
 * the JSON was longer than V8's longest string). Now the answer carries whole messages up to a
 * byte budget and the rest from their summaries, marked `contentOmitted`, each still readable
 * whole by id. Real 25 MiB messages over SMTP, real HTTP.
 */
describe("a wait whose matches are too large to answer whole", () => {
  let sb: TestSandbox;
  let smtp: Transporter;
  let run: TestRun;

  beforeAll(async () => {
    // The run holds 550 MiB; the memory budget and run quota must allow it on any test machine.
    sb = await startTestSandbox({
      SANDMAIL_CATCH_ALL: "false",
      SANDMAIL_MAX_STORE_BYTES: String(2048 * MiB),
      SANDMAIL_RUN_MAX_BYTES: String(2048 * MiB),
    });
    run = await sb.createRun();
    // Two connections at a time: 22 at once would only contend for the same two cores.
    const server = { host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true };
    smtp = nodemailer.createTransport({ ...server, pool: true, maxConnections: 2 });
    const line =
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididu\r\n";
    // Just under the 25 MiB SIZE limit, with room for the headers.
    const body = line.repeat(Math.floor((25 * MiB - 4096) / line.length));
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        smtp.sendMail({
          envelope: { from: "app@example.com", to: [run.address("big")] },
          raw: `From: app@example.com\r\nTo: ${run.address("big")}\r\nSubject: big ${i}\r\n\r\n${body}`,
        }),
      ),
    );
  }, 300_000);
  afterAll(async () => {
    smtp?.close();
    await sb?.close();
  });

  it(`wait?count=${COUNT} over ${COUNT} messages of 25 MiB answers 200: whole up to the budget, the rest marked`, async () => {
    const res = await sb.api(
      run,
      `/v1/runs/${run.id}/messages/wait?subject=big&count=${COUNT}&timeout=120000`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: View[]; cursor: number };
    expect(body.messages).toHaveLength(COUNT);

    let used = 0;
    let omitted = 0;
    for (const [i, view] of body.messages.entries()) {
      expect(view.size).toBeGreaterThan(24 * MiB);
      const fits = i === 0 || used + view.size <= ANSWER_BUDGET;
      if (fits && omitted === 0) {
        used += view.size;
        expect(view.contentOmitted).toBeUndefined();
        expect(view.text?.length, view.parseError).toBeGreaterThan(24 * MiB);
        expect(view.headers.length).toBeGreaterThan(0);
      } else {
        omitted++;
        expect(view.contentOmitted).toBe(true);
        expect(view.text).toBeUndefined();
        expect(view.subject).toMatch(/^big \d+$/);
      }
    }
    expect(omitted).toBe(COUNT - 2);

    // An omitted message is there whole for whoever reads it by id.
    const last = body.messages.at(-1) as View;
    const whole = await sb.api(run, `/v1/runs/${run.id}/messages/${last.id}`);
    expect(whole.status).toBe(200);
    const view = (await whole.json()) as View;
    expect(view.contentOmitted).toBeUndefined();
    expect(view.text?.length, view.parseError).toBeGreaterThan(24 * MiB);
  }, 300_000);

  it("the SDK's waitForMessages reads the omitted ones by id, so every Message it returns is whole", async () => {
    const client = new Sandmail({ url: sb.apiUrl });
    const sdkRun = await client.run(run.id, run.token);
    // Three of 25 MiB: two fit the budget, the third is answered from its summary and read by id.
    const messages = await sdkRun.waitForMessages({ subject: "big" }, 3, { timeout: 120_000 });
    expect(messages).toHaveLength(3);
    for (const m of messages) {
      expect(m.subject).toMatch(/^big \d+$/);
      expect(m.text?.length, m.parseError).toBeGreaterThan(24 * MiB);
    }
  }, 300_000);
});
