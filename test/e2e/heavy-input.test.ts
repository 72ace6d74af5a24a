import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopStallUnder, unreadNewest } from "../support/loop-delay.js";
import { imapNoopProbe, smtpGreeting } from "../support/probes.js";
import { probeWhile } from "../support/responsiveness.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";

/*
 * CPU-heavy input must not hold the one event loop that SMTP, IMAP and HTTP share: while each
 * attack is in flight against a `sandmail serve` process, its event loop is never held 100 ms, as
 * the server measures it (loop-delay.ts), and /healthz, a fresh SMTP greeting and an IMAP NOOP
 * keep answering (liveness). The attacks take about a second of CPU each, on a worker thread now
 * (on the main thread before: DKIM hashed the body once per l=, and decoding plus link and code
 * extraction ran inline). The probes' latency on the test's clock is logged, not asserted: on this
 * shared two-core machine their own scheduling reached ~200 ms with nothing held in the server.
 */
const MiB = 1024 * 1024;

let server: ServerProcess;
let run: { id: string; token: string; domain: string };
let imap: Awaited<ReturnType<typeof imapNoopProbe>>;

/** /healthz, a fresh SMTP greeting and an IMAP NOOP on a logged-in connection. */
function probes(): Record<string, () => Promise<unknown>> {
  return {
    healthz: () => fetch(`${server.apiUrl}/healthz`).then((r) => r.text()),
    smtpGreeting: () => smtpGreeting(server.ports.smtp!),
    imapNoop: () => imap.noop(),
  };
}

beforeAll(async () => {
  server = await startServerProcess();
  const res = await fetch(`${server.apiUrl}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  run = (await res.json()) as typeof run;
  imap = await imapNoopProbe(server.ports.imap!, `probe@${run.domain}`, run.token);
  // Warm: the first answers of a fresh process include compiling its code paths, not the attack.
  await probeWhile(() => new Promise((r) => setTimeout(r, 300)), probes());
}, 60_000);
afterAll(async () => {
  imap?.close();
  await server?.stop();
});

function bigBody(bytes: number): string {
  const line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididu\r\n";
  return line.repeat(Math.ceil(bytes / line.length));
}

async function send(raw: string, to: string): Promise<void> {
  await nodemailer
    .createTransport({ host: "127.0.0.1", port: server.ports.smtp, ignoreTLS: true })
    .sendMail({ envelope: { from: "a@example.com", to: [to] }, raw });
}

async function newest(subject: string): Promise<{ id: string; auth?: unknown }> {
  const res = await fetch(
    `${server.apiUrl}/v1/runs/${run.id}/messages/wait?subject=${encodeURIComponent(`"${subject}"`)}`,
    {
      headers: { authorization: `Bearer ${run.token}` },
    },
  );
  expect(res.status).toBe(200);
  const [message] = ((await res.json()) as { messages: Array<{ id: string }> }).messages;
  return message!;
}

describe("heavy input leaves the event loop free", () => {
  it("a large message's first API read: decoding, links and codes", async () => {
    const text = bigBody(6 * MiB);
    let id = "";
    const read = async () => {
      const res = await fetch(`${server.apiUrl}/v1/runs/${run.id}/messages/${id}`, {
        headers: { authorization: `Bearer ${run.token}` },
      });
      expect(res.status).toBe(200);
      const view = (await res.json()) as { subject: string; text: string };
      expect(view.subject).toMatch(/^big plain \d$/);
      expect(view.text.length).toBeGreaterThan(5.9 * MiB);
    };
    await loopStallUnder(server.apiUrl, "6 MiB message's first read", read, {
      probes: probes(),
      // Each try reads a message nothing has read yet.
      prepare: async (attempt) => {
        const subject = `big plain ${attempt}`;
        await send(
          `From: a@example.com\r\nTo: big@${run.domain}\r\nSubject: ${subject}\r\n\r\n${text}`,
          `big@${run.domain}`,
        );
        id = await unreadNewest(server.apiUrl, run, subject);
      },
    });
  });

  it("200 DKIM-Signature headers with different l= on a 2 MiB message: 10 verified, the rest neutral", async () => {
    let signatures = "";
    for (let i = 0; i < 200; i++) {
      signatures += `DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=s${i}.example; s=x; l=${2 * MiB - i * 1000};\r\n\th=from; bh=AAAA; b=sig${i}\r\n`;
    }
    const body = bigBody(2 * MiB);
    // Measured: the message's ingest and its first read, which hold its authentication results
    // however they are computed (before the 250 or after it, on a worker thread).
    const { result: view } = await loopStallUnder(
      server.apiUrl,
      "200 DKIM signatures on 2 MiB",
      async (attempt) => {
        const subject = `many signatures ${attempt}`;
        await send(
          `${signatures}From: a@example.com\r\nTo: dkim@${run.domain}\r\nSubject: ${subject}\r\n\r\n${body}`,
          `dkim@${run.domain}`,
        );
        const message = await newest(subject);
        const res = await fetch(`${server.apiUrl}/v1/runs/${run.id}/messages/${message.id}`, {
          headers: { authorization: `Bearer ${run.token}` },
        });
        expect(res.status).toBe(200);
        return (await res.json()) as { auth: { dkim: Array<{ result: string; reason?: string }> } };
      },
      { probes: probes() },
    );
    expect(view.auth.dkim).toHaveLength(200);
    const tooMany = view.auth.dkim.filter((d) => d.reason?.includes("too many signatures"));
    expect(tooMany).toHaveLength(190);
    expect(tooMany.every((d) => d.result === "neutral")).toBe(true);
  });
});
