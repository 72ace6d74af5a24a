import net from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, withoutReceived } from "./support/harness.js";
import { LineClient } from "./support/line-client.js";
import { pythonSend } from "./support/python-smtp.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function onlyMessage(runId: string) {
  const msgs = await h.messages(runId);
  expect(msgs).toHaveLength(1);
  const msg = msgs[0]!;
  return { msg, received: withoutReceived(await h.raw(runId, msg.id)).received };
}

describe("STARTTLS on the plain port", () => {
  it("nodemailer (requireTLS) delivers over STARTTLS, recorded as TLS / ESMTPS", async () => {
    const run = await h.createRun();
    await nodemailer
      .createTransport({
        host: "127.0.0.1",
        port: h.port,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
      })
      .sendMail({ from: "a@example.com", to: `t@${run.id}.sandmail.test`, subject: "starttls", text: "x" });
    const { msg, received } = await onlyMessage(run.id);
    expect(msg.envelope?.tls).toBe(true);
    expect(received).toContain(" with ESMTPS id ");
  });

  it("Python smtplib starttls() + login: ESMTPSA", async () => {
    const run = await h.createRun();
    const r = await pythonSend({
      port: h.port,
      mode: "starttls",
      from: "a@example.com",
      to: ["anyone@example.org"],
      message: "Subject: py starttls\r\n\r\nx\r\n",
      login: { user: run.id, password: run.token },
    });
    expect(r).toMatchObject({ ok: true });
    expect(r.features).not.toContain("starttls");
    const { msg, received } = await onlyMessage(run.id);
    expect(msg.envelope).toMatchObject({ tls: true, authUser: run.id });
    expect(received).toContain(" with ESMTPSA id ");
  });

  it("a raw client can upgrade and no longer sees STARTTLS offered", async () => {
    const run = await h.createRun();
    const c = await LineClient.connect(h.port);
    try {
      expect((await c.read()).code).toBe(220);
      expect((await c.command("EHLO raw.test")).code).toBe(250);
      expect((await c.command("STARTTLS")).code).toBe(220);
      await c.startTls();
      const ehlo = await c.command("EHLO raw.test");
      expect(ehlo.text).not.toMatch(/STARTTLS/);
      expect((await c.command("MAIL FROM:<a@example.com>")).code).toBe(250);
      expect((await c.command(`RCPT TO:<r@${run.id}.sandmail.test>`)).code).toBe(250);
      expect((await c.command("DATA")).code).toBe(354);
      expect((await c.command("Subject: raw tls\r\n\r\nx\r\n.")).code).toBe(250);
    } finally {
      c.end();
    }
    expect((await onlyMessage(run.id)).msg.envelope?.tls).toBe(true);
  });
});

describe("implicit TLS port", () => {
  it("nodemailer secure:true delivers", async () => {
    const run = await h.createRun();
    await nodemailer
      .createTransport({
        host: "127.0.0.1",
        port: h.tlsPort,
        secure: true,
        tls: { rejectUnauthorized: false },
      })
      .sendMail({ from: "a@example.com", to: `s@${run.id}.sandmail.test`, subject: "smtps", text: "x" });
    const { msg, received } = await onlyMessage(run.id);
    expect(msg.envelope?.tls).toBe(true);
    expect(received).toContain(" with ESMTPS id ");
  });

  it("Python SMTP_SSL delivers", async () => {
    const run = await h.createRun();
    const r = await pythonSend({
      port: h.tlsPort,
      mode: "ssl",
      from: "a@example.com",
      to: [`p@${run.id}.sandmail.test`],
      message: "Subject: py ssl\r\n\r\nx\r\n",
    });
    expect(r).toMatchObject({ ok: true });
    expect((await onlyMessage(run.id)).msg.envelope?.tls).toBe(true);
  });

  it("survives plaintext and abandoned handshakes on the TLS port", async () => {
    for (const payload of ["EHLO plain.test\r\n", "\x16\x03\x01\x00\xff garbage", ""]) {
      await new Promise<void>((resolve) => {
        const s = net.connect({ port: h.tlsPort, host: "127.0.0.1" }, () => {
          s.end(payload);
        });
        s.on("error", () => resolve());
        s.on("close", () => resolve());
        s.resume();
      });
    }
    const run = await h.createRun();
    await nodemailer
      .createTransport({
        host: "127.0.0.1",
        port: h.tlsPort,
        secure: true,
        tls: { rejectUnauthorized: false },
      })
      .sendMail({
        from: "a@example.com",
        to: `after@${run.id}.sandmail.test`,
        subject: "still up",
        text: "x",
      });
    expect(await h.messages(run.id)).toHaveLength(1);
  });
});
