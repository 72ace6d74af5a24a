import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";
import { LineClient } from "./support/line-client.js";
import { pythonSend } from "./support/python-smtp.js";

const MAX = 4000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { SANDMAIL_MAX_MESSAGE_BYTES: String(MAX) } });
});
afterAll(async () => {
  await h?.stop();
});

const body = (bytes: number) => `${"x".repeat(70)}\r\n`.repeat(Math.ceil(bytes / 72));

async function session(): Promise<LineClient> {
  const c = await LineClient.connect(h.port);
  expect((await c.read()).code).toBe(220);
  expect((await c.command("EHLO raw.client.test")).code).toBe(250);
  return c;
}

describe("message size", () => {
  it("advertises SIZE with the configured limit", async () => {
    const c = await session();
    try {
      const ehlo = await c.command("EHLO again.test");
      expect(ehlo.lines.map((l) => l.slice(4))).toContain(`SIZE ${MAX}`);
    } finally {
      c.end();
    }
  });

  it("refuses MAIL FROM with SIZE= over the limit: 552 5.3.4", async () => {
    const c = await session();
    try {
      const r = await c.command(`MAIL FROM:<a@example.com> SIZE=${MAX + 1}`);
      expect(r.code).toBe(552);
      expect(r.text).toMatch(/^552 5\.3\.4 /);
      expect((await c.command(`MAIL FROM:<a@example.com> SIZE=${MAX - 1}`)).code).toBe(250);
    } finally {
      c.end();
    }
  });

  it("Python smtplib sends SIZE and gets 552 before any data", async () => {
    const run = await h.createRun();
    const r = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "a@example.com",
      to: [`big@${run.id}.sandmail.test`],
      message: `Subject: big\r\n\r\n${body(MAX * 2)}`,
    });
    expect(r).toMatchObject({ ok: false, code: 552 });
    expect(r.error).toMatch(/5\.3\.4/);
    expect(await h.messages(run.id)).toHaveLength(0);
  });

  it("refuses DATA that grows over the limit with 552, and the session goes on", async () => {
    const run = await h.createRun();
    const to = `big@${run.id}.sandmail.test`;
    const c = await session();
    try {
      expect((await c.command("MAIL FROM:<a@example.com>")).code).toBe(250);
      expect((await c.command(`RCPT TO:<${to}>`)).code).toBe(250);
      expect((await c.command("DATA")).code).toBe(354);
      const r = await c.command(`Subject: big\r\n\r\n${body(MAX * 3)}.`);
      expect(r.code).toBe(552);
      expect(r.text).toMatch(/^552 5\.3\.4 /);
      expect(await h.messages(run.id)).toHaveLength(0);

      expect((await c.command("MAIL FROM:<a@example.com>")).code).toBe(250);
      expect((await c.command(`RCPT TO:<${to}>`)).code).toBe(250);
      expect((await c.command("DATA")).code).toBe(354);
      expect((await c.command("Subject: small\r\n\r\nok\r\n.")).code).toBe(250);
      const msgs = await h.messages(run.id);
      expect(msgs.map((m) => m.summary.subject)).toEqual(["small"]);
    } finally {
      c.end();
    }
  });

  it("nodemailer gets 552 for an oversized message", async () => {
    const run = await h.createRun();
    const err = await nodemailer
      .createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true })
      .sendMail({
        from: "a@example.com",
        to: `n@${run.id}.sandmail.test`,
        subject: "big",
        text: body(MAX * 2),
      })
      .catch((e: { responseCode?: number }) => e);
    expect(err).toMatchObject({ responseCode: 552 });
    expect(await h.messages(run.id)).toHaveLength(0);
  });
});

describe("run quota", () => {
  it("answers 452 4.2.2 once the run is full", async () => {
    const run = await h.createRun({ maxMessages: 1 });
    const to = `q@${run.id}.sandmail.test`;
    const t = nodemailer.createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true });
    await t.sendMail({ from: "a@example.com", to, subject: "one", text: "1" });
    const err = await t
      .sendMail({ from: "a@example.com", to, subject: "two", text: "2" })
      .catch((e: { responseCode?: number; response?: string }) => e);
    expect(err).toMatchObject({ responseCode: 452 });
    expect((err as { response: string }).response).toMatch(/^452 4\.2\.2 /);
    expect((await h.messages(run.id)).map((m) => m.summary.subject)).toEqual(["one"]);
  });
});

describe("recipients per message", () => {
  it("takes SANDMAIL_MAX_RECIPIENTS recipients, answers 452 past them, and stores one copy each", async () => {
    const small = await startHarness({ env: { SANDMAIL_MAX_RECIPIENTS: "3" } });
    try {
      const run = await small.createRun();
      const c = await LineClient.connect(small.port);
      try {
        expect((await c.read()).code).toBe(220);
        expect((await c.command("EHLO raw.client.test")).code).toBe(250);
        expect((await c.command("MAIL FROM:<a@example.com>")).code).toBe(250);
        for (const local of ["a", "b", "c"]) {
          expect((await c.command(`RCPT TO:<${local}@${run.id}.sandmail.test>`)).code).toBe(250);
        }
        // The same recipient again is no new copy; a fourth one is refused.
        expect((await c.command(`RCPT TO:<a@${run.id}.sandmail.test>`)).code).toBe(250);
        const fourth = await c.command(`RCPT TO:<d@${run.id}.sandmail.test>`);
        expect(fourth.code).toBe(452);
        expect(fourth.lines.join(" ")).toContain("Too many recipients");
        expect((await c.command("DATA")).code).toBe(354);
        expect((await c.command("Subject: few\r\n\r\nbody\r\n.")).code).toBe(250);
      } finally {
        c.end();
      }
      expect((await small.messages(run.id)).map((m) => m.address).sort()).toEqual(
        ["a", "b", "c"].map((l) => `${l}@${run.id}.sandmail.test`),
      );
    } finally {
      await small.stop();
    }
  });
});
