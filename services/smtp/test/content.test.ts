import { normalizeCrlf } from "@sandmail/mime";
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

/** Sends `body` as DATA over a raw socket; lines starting with "." must already be dot-stuffed. */
async function sendRaw(to: string, body: Buffer, mailParams = ""): Promise<number> {
  const c = await LineClient.connect(h.port);
  try {
    expect((await c.read()).code).toBe(220);
    expect((await c.command("EHLO raw.test")).code).toBe(250);
    expect((await c.command(`MAIL FROM:<junk@example.com>${mailParams}`)).code).toBe(250);
    expect((await c.command(`RCPT TO:<${to}>`)).code).toBe(250);
    expect((await c.command("DATA")).code).toBe(354);
    c.write(body);
    return (await c.command("\r\n.")).code;
  } finally {
    c.end();
  }
}

async function storedBody(runId: string): Promise<Buffer> {
  const msgs = await h.messages(runId);
  expect(msgs).toHaveLength(1);
  return withoutReceived(await h.raw(runId, msgs[0]!.id)).rest;
}

/**
 * The stored bytes are the prepended Authentication-Results and Received fields followed by
 * exactly `expected`. Checked by
 * length, not by parsing, since a message may itself start with a line that looks folded.
 */
async function expectStoredAs(runId: string, expected: Buffer): Promise<void> {
  const msgs = await h.messages(runId);
  expect(msgs).toHaveLength(1);
  const stored = await h.raw(runId, msgs[0]!.id);
  expect(msgs[0]?.size).toBe(stored.length);
  expect(stored.subarray(stored.length - expected.length)).toEqual(expected);
  const prefix = stored.subarray(0, stored.length - expected.length).toString("utf8");
  expect(prefix).toMatch(
    /^Authentication-Results: [^\r\n]*(\r\n[ \t][^\r\n]*)*\r\nReceived: from [^\r\n]*(\r\n[ \t][^\r\n]*)*\r\n$/,
  );
}

const malformed: Array<[string, Buffer]> = [
  ["no headers at all", Buffer.from("just some text\r\nwithout any header\r\n\r\nand more")],
  [
    "a multipart without its closing boundary and a bogus content type",
    Buffer.from(
      'Content-Type: multipart/mixed; boundary="zzz"\r\nSubject: broken\r\n\r\n--zzz\r\nContent-Type: text/\x00plain\r\n\r\nhalf a part\r\n--zz\r\n',
      "latin1",
    ),
  ],
  [
    "8-bit junk in headers and body, without MIME",
    Buffer.from([
      ...Buffer.from("Subject: caf\xe9 \xff\xfe\r\nX-Junk: \x80\x81\x82\r\n\r\n", "latin1"),
      ...[0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc],
      ...Buffer.from("\r\n\x1b[31mred\r\n", "latin1"),
    ]),
  ],
  ["bare LF and bare CR line endings", Buffer.from("Subject: mixed\nX-A: 1\r\rbody line\nsecond\r\n")],
  [
    "a header without a colon and a folded first line",
    Buffer.from(" folded start\r\nnot a header\r\nX: y\r\n\r\nb"),
  ],
];

describe("malformed messages are stored byte for byte", () => {
  for (const [name, body] of malformed) {
    it(name, async () => {
      const run = await h.createRun();
      expect(await sendRaw(`m@${run.id}.sandmail.test`, body, " BODY=8BITMIME")).toBe(250);
      // The client's final CRLF before the dot belongs to the message.
      await expectStoredAs(run.id, normalizeCrlf(Buffer.concat([body, Buffer.from("\r\n")])));
    });
  }

  it("un-stuffs leading dots and keeps the rest exactly (Python smtplib)", async () => {
    const run = await h.createRun();
    const message = "Subject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n";
    const r = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "a@example.com",
      to: [`d@${run.id}.sandmail.test`],
      message,
    });
    expect(r.ok).toBe(true);
    expect((await storedBody(run.id)).toString("utf8")).toBe(message);
  });

  it("normalizes what nodemailer sends with bare LF in a raw message", async () => {
    const run = await h.createRun();
    const raw = "From: a@example.com\nTo: x@example.com\nSubject: lf\n\nline one\nline two\n";
    await nodemailer
      .createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true })
      .sendMail({ envelope: { from: "a@example.com", to: [`l@${run.id}.sandmail.test`] }, raw });
    const stored = (await storedBody(run.id)).toString("utf8");
    expect(stored).toBe(raw.replace(/\n/g, "\r\n"));
  });
});

describe("8BITMIME and SMTPUTF8", () => {
  it("keeps 8-bit bodies sent with BODY=8BITMIME exactly", async () => {
    const run = await h.createRun();
    const body = Buffer.from(
      "Subject: 8bit\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nR\xe9sum\xe9 \xfc\xe4\xf6\r\n",
      "latin1",
    );
    expect(await sendRaw(`e@${run.id}.sandmail.test`, body, " BODY=8BITMIME")).toBe(250);
    await expectStoredAs(run.id, Buffer.concat([body, Buffer.from("\r\n")]));
  });

  it("accepts UTF-8 addresses with SMTPUTF8 (Python smtplib) and routes them by domain", async () => {
    const run = await h.createRun();
    const to = `Jörg.Müller@${run.id}.sandmail.test`;
    const message = `From: Sénder <sénder@exämple.com>\r\nTo: ${to}\r\nSubject: Grüße aus Köln ✉\r\n\r\nHallo 👋\r\n`;
    const r = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "sénder@exämple.com",
      to: [to],
      message,
      mailOptions: ["SMTPUTF8"],
    });
    expect(r).toMatchObject({ ok: true });
    const msgs = await h.messages(run.id);
    expect(msgs.map((m) => m.address)).toEqual([to.toLowerCase()]);
    expect(msgs[0]?.envelope).toMatchObject({ mailFrom: "sénder@exämple.com", rcptTo: [to] });
    expect(msgs[0]?.summary.subject).toBe("Grüße aus Köln ✉");
    const stored = await h.raw(run.id, msgs[0]!.id);
    expect(withoutReceived(stored).rest.toString("utf8")).toBe(message);
    expect(stored.toString("utf8")).toContain(`for <${to}>`);
  });

  it("nodemailer with a UTF-8 recipient", async () => {
    const run = await h.createRun();
    const to = `ünïcödé@${run.id}.sandmail.test`;
    const info = await nodemailer
      .createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true })
      .sendMail({ from: "a@example.com", to, subject: "utf8 rcpt", text: "x" });
    expect(info.accepted).toEqual([to]);
    expect((await h.messages(run.id)).map((m) => m.address)).toEqual([to]);
  });
});

describe("large messages", () => {
  it("give every recipient, in one run or two, its own trace fields and then the bytes as sent", async () => {
    const [one, two] = [await h.createRun(), await h.createRun()];
    // Joined on memory of its own, with room for one copy's trace fields in front (read-message.ts),
    // and past the MemoryStore's assembling of large copies aside.
    const line = "large message line, \xe9 in it, long enough to take a while to repeat\r\n";
    const message = Buffer.from(
      `Subject: large\r\n\r\n${line.repeat(Math.ceil((2 * 1024 * 1024) / line.length))}`,
      "latin1",
    );
    const to = [`a@${one.id}.sandmail.test`, `b@${one.id}.sandmail.test`, `c@${two.id}.sandmail.test`];
    const info = await nodemailer
      .createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true })
      .sendMail({ envelope: { from: "a@example.com", to }, raw: message });
    expect(info.accepted).toEqual(to);
    const stored = [...(await h.messages(one.id)), ...(await h.messages(two.id))];
    expect(stored.map((m) => m.address)).toEqual(to);
    for (const m of stored) {
      const raw = await h.raw(m.runId, m.id);
      const { received, rest } = withoutReceived(raw);
      expect(received).toContain(`for <${m.address}>`);
      expect(rest.equals(message)).toBe(true);
      expect(m.size).toBe(raw.length);
    }
  });
});
