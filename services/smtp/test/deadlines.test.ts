import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";
import { LineClient } from "./support/line-client.js";

/*
 * A client trickling one byte at a time must not hold a session open for ever: the library's idle
 * timeout restarts on every byte, so each command line and each message has an absolute deadline
 * from the server's reply before it (SANDMAIL_SMTP_COMMAND_TIMEOUT_MS, SANDMAIL_SMTP_DATA_TIMEOUT_MS).
 * The deadlines are short here; the tricklers would need far longer than them to finish, and the
 * tests wait for the server to close the socket, never for a set time.
 */
const COMMAND_MS = 800;
const DATA_MS = 1200;
/** Between two trickled bytes: well inside smtp-server's idle timeout, which each byte restarts. */
const TRICKLE_MS = 50;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      SANDMAIL_SMTP_COMMAND_TIMEOUT_MS: String(COMMAND_MS),
      SANDMAIL_SMTP_DATA_TIMEOUT_MS: String(DATA_MS),
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

/**
 * Writes `text` one byte every TRICKLE_MS until the connection closes; resolves with the bytes
 * written and whether all of them went out (the server did not cut the trickle short).
 */
function trickle(c: LineClient, text: string): Promise<{ sent: number; finished: boolean }> {
  return new Promise((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      if (c.closed || sent === text.length) {
        clearInterval(timer);
        resolve({ sent, finished: sent === text.length });
        return;
      }
      c.write(text[sent++]!);
    }, TRICKLE_MS);
  });
}

/** Every reply the client got until the server closed the connection. */
async function repliesUntilClosed(c: LineClient): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    try {
      texts.push((await c.read()).text);
    } catch {
      return texts;
    }
  }
}

describe("SMTP deadlines a trickle cannot extend", () => {
  it("a command line trickled byte by byte: 421 4.4.2 and closed at the command deadline", async () => {
    const c = await LineClient.connect(h.port);
    expect((await c.read()).code).toBe(220);
    const started = performance.now();
    // At one byte per 50 ms this line would take 10 s: far past the 0.8 s deadline.
    const trickled = trickle(c, `NOOP ${"x".repeat(200)}\r\n`);
    const replies = await repliesUntilClosed(c);
    const elapsed = performance.now() - started;
    const { sent, finished } = await trickled;
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^421 4\.4\.2 .*Timeout/);
    expect(finished).toBe(false);
    // Bytes kept arriving all along and did not move the deadline.
    expect(sent).toBeGreaterThan(5);
    expect(elapsed).toBeGreaterThanOrEqual(COMMAND_MS - 50);
  });

  it("a message trickled after 354: 421 4.4.2 at the DATA deadline, nothing stored", async () => {
    const run = await h.createRun();
    const c = await LineClient.connect(h.port);
    expect((await c.read()).code).toBe(220);
    expect((await c.command("EHLO slow.client.test")).code).toBe(250);
    expect((await c.command("MAIL FROM:<a@example.com>")).code).toBe(250);
    expect((await c.command(`RCPT TO:<slow@${run.id}.sandmail.test>`)).code).toBe(250);
    expect((await c.command("DATA")).code).toBe(354);
    const started = performance.now();
    const trickled = trickle(c, `Subject: slow\r\n\r\n${"body line\r\n".repeat(40)}.\r\n`);
    const replies = await repliesUntilClosed(c);
    const elapsed = performance.now() - started;
    const { sent, finished } = await trickled;
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^421 4\.4\.2 /);
    expect(finished).toBe(false);
    expect(sent).toBeGreaterThan(5);
    // The DATA deadline, not the (shorter) command deadline, applied after 354.
    expect(elapsed).toBeGreaterThanOrEqual(DATA_MS - 50);
    expect(await h.messages(run.id)).toHaveLength(0);
  });

  it("a client that completes each command in time keeps its session past the deadlines", async () => {
    const run = await h.createRun();
    const c = await LineClient.connect(h.port);
    try {
      expect((await c.read()).code).toBe(220);
      expect((await c.command("EHLO steady.client.test")).code).toBe(250);
      // Each NOOP comes well inside the command deadline of the reply before it; together they
      // outlast both deadlines several times over.
      const started = performance.now();
      while (performance.now() - started < 3 * DATA_MS) {
        await new Promise((resolve) => setTimeout(resolve, COMMAND_MS / 4));
        expect((await c.command("NOOP")).code).toBe(250);
      }
      expect((await c.command("MAIL FROM:<a@example.com>")).code).toBe(250);
      expect((await c.command(`RCPT TO:<steady@${run.id}.sandmail.test>`)).code).toBe(250);
      expect((await c.command("DATA")).code).toBe(354);
      expect((await c.command("Subject: steady\r\n\r\nhello\r\n.")).code).toBe(250);
      expect(await h.messages(run.id)).toHaveLength(1);
    } finally {
      c.end();
    }
  });
});
