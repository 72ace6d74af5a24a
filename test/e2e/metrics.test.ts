import { ImapFlow } from "imapflow";
import nodemailer, { type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sample } from "../support/metrics.js";
import { startRedisServer, type TestRedis } from "../support/redis-server.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/**
 * The all-in-one server's /metrics holds every front end's counts: mail over real SMTP, a real
 * IMAP client, a wait held over HTTP, all read back in one scrape.
 */
describe("GET /metrics of the all-in-one server", () => {
  let sb: TestSandbox;
  let run: TestRun;
  let smtp: Transporter;
  let imap: ImapFlow | undefined;

  const scrape = async () => {
    const res = await fetch(`${sb.apiUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    return res.text();
  };

  /** Scrapes until `ready(text)` holds; the server notices openings and closings on its own time. */
  const scrapeUntil = async (ready: (text: string) => boolean) => {
    for (let i = 0; i < 500; i++) {
      const text = await scrape();
      if (ready(text)) return text;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("metrics did not reach the expected state");
  };

  beforeAll(async () => {
    sb = await startTestSandbox({ SANDMAIL_CATCH_ALL: "false" });
    run = await sb.createRun();
    // One pooled connection for all three messages: it stays open, so the session gauge reads exactly 1.
    smtp = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      host: "127.0.0.1",
      port: sb.ports.smtp,
      ignoreTLS: true,
    });
  });
  afterAll(async () => {
    smtp?.close();
    await imap?.logout().catch(() => {});
    await sb?.close();
  });

  it("counts messages, sessions, IMAP connections and commands, waits and requests exactly", async () => {
    const send = (to: string, subject: string) =>
      smtp.sendMail({ from: "app@example.com", to, subject, text: `body of ${subject}` });
    await send(run.address("alice"), "one");
    await send(run.address("bob"), "two");
    await expect(send("nobody@no-such-run.sandmail.test", "three")).rejects.toMatchObject({
      responseCode: 550,
    });

    imap = new ImapFlow({
      host: "127.0.0.1",
      port: sb.ports.imap ?? 0,
      secure: false,
      doSTARTTLS: false,
      auth: { user: run.address("alice"), pass: run.token },
      logger: false,
    });
    await imap.connect();
    await imap.noop();

    const waitAborted = new AbortController();
    const held = fetch(`${sb.apiUrl}/v1/runs/${run.id}/messages/wait?subject=never&timeout=25000`, {
      headers: { authorization: `Bearer ${run.token}` },
      signal: waitAborted.signal,
    }).catch((err: unknown) => err);

    const text = await scrapeUntil((t) => sample(t, "sandmail_api_waits_active") === 1);
    expect(sample(text, 'sandmail_smtp_messages_total{result="accepted"}')).toBe(2);
    expect(sample(text, 'sandmail_smtp_messages_total{result="rejected"}')).toBe(1);
    expect(sample(text, 'sandmail_smtp_messages_total{result="failed"}')).toBe(0);
    expect(sample(text, "sandmail_smtp_sessions_active")).toBe(1);
    expect(sample(text, "sandmail_imap_connections_active")).toBe(1);
    expect(sample(text, 'sandmail_imap_commands_total{command="NOOP"}')).toBe(1);
    const logins =
      (sample(text, 'sandmail_imap_commands_total{command="LOGIN"}') ?? 0) +
      (sample(text, 'sandmail_imap_commands_total{command="AUTHENTICATE"}') ?? 0);
    expect(logins).toBe(1);
    expect(sample(text, "sandmail_api_waits_active")).toBe(1);
    expect(sample(text, "sandmail_api_event_streams_active")).toBe(0);
    expect(sample(text, 'sandmail_api_requests_total{route="/v1/runs",status="201"}')).toBe(1);
    expect(text).toMatch(/^sandmail_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^sandmail_nodejs_eventloop_lag_seconds \d/m);

    // Nothing that names a run, an inbox or a secret.
    for (const secret of [run.id, run.token, run.address("alice"), "no-such-run"]) {
      expect(text).not.toContain(secret);
    }

    // Everything let go: every gauge back to 0, the finished wait counted by its route pattern.
    waitAborted.abort();
    await held;
    smtp.close();
    await imap.logout();
    imap = undefined;
    const after = await scrapeUntil(
      (t) =>
        sample(t, "sandmail_api_waits_active") === 0 &&
        sample(t, "sandmail_smtp_sessions_active") === 0 &&
        sample(t, "sandmail_imap_connections_active") === 0,
    );
    expect(sample(after, 'sandmail_imap_commands_total{command="LOGOUT"}')).toBe(1);
    expect(sample(after, 'sandmail_smtp_messages_total{result="accepted"}')).toBe(2);
  });

  it("is listed in the OpenAPI document, without a security requirement", async () => {
    const doc = (await (await fetch(`${sb.apiUrl}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { security?: unknown[]; responses: Record<string, unknown> } }>;
    };
    const op = doc.paths["/metrics"]?.get;
    expect(op?.responses["200"]).toBeDefined();
    expect(op?.security ?? []).toEqual([]);
  });
});

describe("sandmail_smtp_messages_total when a message is refused at DATA or the store is down", () => {
  let redis: TestRedis;
  let sb: TestSandbox;

  beforeAll(async () => {
    redis = await startRedisServer();
    sb = await startTestSandbox({ REDIS_URL: redis.url, SANDMAIL_MAX_MESSAGE_BYTES: "2000" });
  });
  afterAll(async () => {
    await sb?.close();
    await redis?.stop();
  });

  it("counts an oversized message as rejected and a 451 as failed", async () => {
    const run = await sb.createRun();
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    const send = (text: string) =>
      smtp.sendMail({ from: "app@example.com", to: run.address("carol"), subject: "s", text });
    try {
      await send("fits");
      await expect(send("x".repeat(5000))).rejects.toMatchObject({ responseCode: 552 });
      await redis.stop();
      await expect(send("store is down")).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      smtp.close();
    }
    const text = await (await fetch(`${sb.apiUrl}/metrics`)).text();
    expect(sample(text, 'sandmail_smtp_messages_total{result="accepted"}')).toBe(1);
    expect(sample(text, 'sandmail_smtp_messages_total{result="rejected"}')).toBe(1);
    expect(sample(text, 'sandmail_smtp_messages_total{result="failed"}')).toBe(1);
  });
});
