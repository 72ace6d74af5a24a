import { indexMessage } from "@sandmail/mime";
import { MemoryStore } from "@sandmail/store";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/*
 * Ingest stores the bytes and the summary before its 250 and leaves the MIME tree to the first
 * read. None of that may show: the bytes served are the bytes sent plus the trace headers, the
 * tree built later is the tree built at once, and a wait racing the senders misses nothing.
 */

const crlf = (lines: string[]) => Buffer.from(lines.join("\r\n"), "utf8");

const samples: Array<[string, Buffer]> = [
  ["plain text", crlf(["From: app@example.com", "To: x@y", "Subject: plain", "", "hello", ""])],
  [
    "multipart with an attachment",
    crlf([
      'From: "Shop" <shop@example.com>',
      "Subject: =?utf-8?q?R=C3=A9ception?=",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "caf=C3=A9",
      "--b1",
      'Content-Type: application/pdf; name="a.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      "JVBERi0xLjQK",
      "--b1--",
      "",
    ]),
  ],
  [
    "broken MIME (boundary never closed, 8-bit header)",
    crlf([
      "From: Jürgen <j@example.de>",
      "Subject: broken",
      'Content-Type: multipart/alternative; boundary="never"',
      "",
      "--never",
      "Content-Type: text/html",
      "",
      "<p>cut",
      "",
    ]),
  ],
  ["no header at all", crlf(["", "just a body", ""])],
];

/** Splits the trace headers sandmail put on top from the rest. */
function traceAndRest(stored: Buffer, sent: Buffer): { trace: string; rest: Buffer } {
  const at = stored.length - sent.length;
  return { trace: stored.subarray(0, at).toString("utf8"), rest: stored.subarray(at) };
}

describe("ingest with the MIME tree built on first read", () => {
  let sb: TestSandbox;
  let store: MemoryStore;
  let run: TestRun;
  let mailer: ReturnType<typeof nodemailer.createTransport>;
  beforeAll(async () => {
    store = new MemoryStore();
    sb = await startTestSandbox({}, { store });
    run = await sb.createRun({ label: "lazy index" });
    mailer = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 5,
    });
  });
  afterAll(async () => {
    mailer?.close();
    await sb?.close();
    await store?.close();
  });

  it("serves every byte sent, plus the trace headers, over /raw and IMAP BODY[]; the late tree equals the eager one", async () => {
    const to = run.address("bytes");
    for (const [, raw] of samples) {
      await mailer.sendMail({ envelope: { from: "app@example.com", to: [to] }, raw });
    }
    const list = (await (await sb.api(run, `/v1/runs/${run.id}/messages?inbox=${to}`)).json()) as {
      messages: Array<{ id: string; subject: string }>;
    };
    const ids = list.messages.map((m) => m.id).reverse();
    expect(ids).toHaveLength(samples.length);

    const imap = new ImapFlow({
      host: "127.0.0.1",
      port: sb.ports.imap ?? 0,
      secure: false,
      doSTARTTLS: false,
      auth: { user: to, pass: run.token },
      logger: false,
    });
    await imap.connect();
    try {
      await imap.mailboxOpen("INBOX");
      for (const [i, [name, sent]] of samples.entries()) {
        const id = ids[i] as string;
        const res = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/raw`);
        const served = Buffer.from(await res.arrayBuffer());
        const { trace, rest } = traceAndRest(served, sent);
        expect(rest.equals(sent), name).toBe(true);
        // Exactly two fields on top, newest first: our Authentication-Results, then our Received.
        expect(
          trace.split(/\r\n(?=\S)/).map((f) => f.split(":")[0]),
          name,
        ).toEqual(["Authentication-Results", "Received"]);
        expect(trace.endsWith("\r\n"), name).toBe(true);

        // The store has not been asked for this message's tree yet: IMAP asks first.
        const fetched = await imap.fetchOne(String(i + 1), { source: true, bodyStructure: true });
        expect(fetched && Buffer.compare(fetched.source as Buffer, served), name).toBe(0);
        const kept = await store.getMessage(run.id, id);
        expect(kept?.mime, name).toEqual(indexMessage(served).mime);
        expect(kept?.summary, name).toEqual(indexMessage(served).summary);
      }
    } finally {
      await imap.logout().catch(() => {});
    }
  });

  it("a wait on the body racing 500 sends sees all 500", async () => {
    const to = run.address("race");
    const total = 500;
    const waiting = sb.api(run, `/v1/runs/${run.id}/messages/wait`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inbox: to, text: "race-marker", count: total, timeout: 120_000 }),
    });
    const sends = Array.from({ length: total }, (_, i) =>
      mailer.sendMail({
        from: "app@example.com",
        to,
        subject: `race ${i}`,
        text: `race-marker ${i}`,
        headers: { "X-Race": String(i) },
      }),
    );
    await Promise.all(sends);
    const res = await waiting;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: Array<{ subject: string }> };
    expect(new Set(body.messages.map((m) => m.subject)).size).toBe(total);
  }, 180_000);
});
