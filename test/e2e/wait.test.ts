import { once } from "node:events";
import { type MailStore, MemoryStore, RedisStore, type StoreListener } from "@sandmail/store";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";

/** Counts a store's live subscriptions, so a test can await a wait going live or being released. */
function trackSubscriptions(store: MailStore) {
  const changes = new EventTarget();
  // Per run: a server on a shared Redis also subscribes to other runs (their webhooks, say).
  const perRun = new Map<string, number>();
  const count = (runId?: string) =>
    runId === undefined ? [...perRun.values()].reduce((a, b) => a + b, 0) : (perRun.get(runId) ?? 0);
  const tracker = {
    /** Until `n` subscriptions are open: to `runId`'s events, or in all. */
    async untilActive(n: number, runId?: string): Promise<void> {
      while (count(runId) !== n) await once(changes, "change");
    },
  };
  const add = (runId: string, d: number) => {
    perRun.set(runId, count(runId) + d);
    changes.dispatchEvent(new Event("change"));
  };
  const subscribe = store.subscribe.bind(store);
  store.subscribe = async (runId: string, listener: StoreListener) => {
    const unsubscribe = await subscribe(runId, listener);
    add(runId, 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      unsubscribe();
      add(runId, -1);
    };
  };
  return tracker;
}

const smtplib = `
import smtplib, sys
host, port, sender, rcpt = sys.argv[1:5]
s = smtplib.SMTP(host, int(port))
s.sendmail(sender, [rcpt], sys.stdin.buffer.read())
s.quit()
print("250")
`;

function python(port: number, to: string, subject: string, headers = ""): Promise<string> {
  const raw = `From: app@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\n${headers}\r\nsent by smtplib\r\n`;
  return runPython(smtplib, ["127.0.0.1", String(port), "app@example.com", to], raw);
}

interface WaitBody {
  messages: Array<{ id: string; seq: number; subject: string; text?: string; html?: string }>;
  cursor: number;
}

describe("wait over real SMTP and HTTP", () => {
  let sb: TestSandbox;
  let memory: MemoryStore;
  let store: ReturnType<typeof trackSubscriptions>;
  let run: TestRun;
  let mailer: ReturnType<typeof nodemailer.createTransport>;
  beforeAll(async () => {
    memory = new MemoryStore();
    store = trackSubscriptions(memory);
    sb = await startTestSandbox({}, { store: memory });
    run = await sb.createRun({ label: "wait e2e" });
    mailer = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
    });
  });
  afterAll(async () => {
    mailer?.close();
    await sb?.close();
    await memory?.close();
  });

  const wait = (query: string, init?: RequestInit) =>
    sb.api(run, `/v1/runs/${run.id}/messages/wait?${query}`, init);
  const smtpPort = () => sb.ports.smtp ?? 0;
  /** The newest message's seq: a cursor from which only mail sent from now on counts. */
  const latest = async () => {
    const res = await sb.api(run, `/v1/runs/${run.id}/messages?limit=1`);
    return ((await res.json()) as { messages: Array<{ seq: number }> }).messages[0]?.seq ?? 0;
  };
  const send = (subject: string, extra: Record<string, unknown> = {}) =>
    mailer.sendMail({
      from: "app@example.com",
      to: run.address("alice"),
      subject,
      text: `body of ${subject}`,
      ...extra,
    });

  it("a wait started before the mail wakes when nodemailer delivers it", async () => {
    const pending = wait("subject=before&timeout=60000");
    await store.untilActive(1);
    await send("Sent before? no: waited before");
    const res = await pending;
    expect(res.status).toBe(200);
    const body = (await res.json()) as WaitBody;
    expect(body.messages[0]?.subject).toBe("Sent before? no: waited before");
    expect(body.messages[0]?.text).toContain("body of");
    await store.untilActive(0);
  });

  it("a wait started after smtplib delivered the mail answers from the store", async () => {
    expect((await python(smtpPort(), run.address("bob"), "Delivered by smtplib")).trim()).toBe("250");
    const res = await wait(`subject=${encodeURIComponent('"Delivered by smtplib"')}&to=bob@`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as WaitBody;
    expect(body.messages[0]?.text).toContain("sent by smtplib");
  });

  it("a wait without `after` finds an old message behind a long history; `to=` lists answer as a scan does", async () => {
    const lead = run.address("lead");
    await send("Old notice", { to: run.address("zed"), cc: `"Team Lead" <${lead}>` });
    // More history than one scan batch after it, none of it for lead.
    for (let i = 0; i < 220; i++) await send(`filler ${i}`);
    type Listed = { messages: Array<{ id: string; subject: string }> };
    const list = async (query: string) => {
      const res = await sb.api(run, `/v1/runs/${run.id}/messages?limit=100&${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as Listed).messages.map((m) => m.id);
    };
    // Exact `to` (from the recipient index): the copy in zed's inbox (Cc) and the one in lead's.
    const exact = await wait(`to=${encodeURIComponent(`"${lead.toUpperCase()}"`)}&count=2&timeout=1000`);
    expect(exact.status).toBe(200);
    const copies = ((await exact.json()) as WaitBody).messages;
    expect(copies.map((m) => m.subject)).toEqual(["Old notice", "Old notice"]);
    // By content (a scan of the whole history), and by display name (the index again).
    const scanned = await wait(`subject=${encodeURIComponent('"Old notice"')}&count=2&timeout=1000`);
    expect(((await scanned.json()) as WaitBody).messages.map((m) => m.id)).toEqual(copies.map((m) => m.id));
    const named = await wait(`to=${encodeURIComponent('"team lead"')}&count=2&timeout=1000`);
    expect(((await named.json()) as WaitBody).messages.map((m) => m.id)).toEqual(copies.map((m) => m.id));
    // The list: exact (index) and contains (scan) agree, newest first.
    const newestFirst = copies.map((m) => m.id).reverse();
    expect(await list(`to=${encodeURIComponent(`"${lead}"`)}`)).toEqual(newestFirst);
    expect(await list(`to=${encodeURIComponent(lead)}`)).toEqual(newestFirst);
    expect(await list(`to=${encodeURIComponent('"Team Lead"')}&inbox=${encodeURIComponent(lead)}`)).toEqual([
      newestFirst[0],
    ]);
  }, 60_000);

  it("times out with 408 naming what arrived instead", async () => {
    const before = await latest();
    await python(smtpPort(), run.address("carol"), "Your invoice");
    const res = await wait(`subject=Welcome&after=${before}&timeout=100`);
    expect(res.status).toBe(408);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as {
      code: string;
      detail: string;
      unmatched: Array<{ subject: string; to: string[] }>;
    };
    expect(problem.code).toBe("wait_timeout");
    expect(problem.detail).toContain("0 of 1 message(s) matched");
    expect(problem.detail).toContain(`"Your invoice" to ${run.address("carol")}`);
    expect(problem.unmatched[0]).toMatchObject({ subject: "Your invoice", to: [run.address("carol")] });
  });

  it("count and the after-cursor", async () => {
    const start = await latest();
    const pending = wait(`subject=batch&count=3&after=${start}&timeout=60000`);
    await store.untilActive(1);
    await send("batch 1");
    await python(smtpPort(), run.address("alice"), "batch 2");
    await send("not this one");
    await send("batch 3");
    const res = await pending;
    expect(res.status).toBe(200);
    const body = (await res.json()) as WaitBody;
    expect(body.messages.map((m) => m.subject)).toEqual(["batch 1", "batch 2", "batch 3"]);
    expect(body.cursor).toBe(body.messages[2]?.seq);
    await send("batch 4");
    const next = (await (await wait(`subject=batch&after=${body.cursor}`)).json()) as WaitBody;
    expect(next.messages.map((m) => m.subject)).toEqual(["batch 4"]);
  });

  it("criteria on real mail: header, regex, text in HTML-only mail, inbox, unread", async () => {
    const start = await latest();
    await send("Spring sale", { headers: { "X-Campaign": "spring" } });
    await mailer.sendMail({
      from: "otp@example.com",
      to: run.address("dave"),
      subject: "Sign-in",
      html: "<p>Your code is <strong>493 812</strong></p>",
    });
    const q = (s: string) => encodeURIComponent(s);
    const cases: Array<[string, string]> = [
      [`header=${q("X-Campaign: spring")}`, "Spring sale"],
      [`subject=${q("/^spring\\s+SALE$/i")}`, "Spring sale"],
      [`text=${q("code is 493 812")}`, "Sign-in"],
      [`inbox=${q(run.address("dave"))}`, "Sign-in"],
      [`from=${q('"otp@example.com"')}&unread=true`, "Sign-in"],
    ];
    for (const [query, subject] of cases) {
      const res = await wait(`${query}&after=${start}&timeout=0`);
      expect(res.status, query).toBe(200);
      expect(((await res.json()) as WaitBody).messages[0]?.subject, query).toBe(subject);
    }
  });

  it("expect=none: 200 when nothing came, 409 as soon as something does", async () => {
    const start = await latest();
    const quiet = await wait(`subject=Refund&expect=none&after=${start}&timeout=100`);
    expect(quiet.status).toBe(200);
    expect(((await quiet.json()) as WaitBody).messages).toEqual([]);
    const pending = wait(`subject=Refund&expect=none&after=${start}&timeout=60000`);
    await store.untilActive(1);
    await python(smtpPort(), run.address("alice"), "Refund issued");
    const res = await pending;
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { code: string; message: { subject: string } };
    expect(problem.code).toBe("unexpected_message");
    expect(problem.message.subject).toBe("Refund issued");
  });

  it("a client that disconnects releases its wait", async () => {
    const controller = new AbortController();
    const pending = wait("subject=never&timeout=60000", { signal: controller.signal });
    await store.untilActive(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await store.untilActive(0);
  });

  it("500 rounds of send and wait started together: no round misses", async () => {
    let cursor = await latest();
    const rounds = 500;
    for (let i = 0; i < rounds; i++) {
      const subject = `race ${i}`;
      const [res] = await Promise.all([wait(`after=${cursor}&timeout=10000`), send(subject)]);
      expect(res.status, subject).toBe(200);
      const body = (await res.json()) as WaitBody;
      expect(body.messages[0]?.subject, `round ${i}`).toBe(subject);
      cursor = body.cursor;
    }
  }, 120_000);
});

/** `sandmail serve --services smtp` as its own process on the shared Redis. */
const startSmtpProcess = (redisUrl: string) =>
  startServerProcess({ services: "smtp", env: { REDIS_URL: redisUrl, SANDMAIL_CATCH_ALL: "false" } });

describe("a wait on one process wakes for mail ingested by another sharing Redis", () => {
  // Started before the test: a second process from sources can take tens of seconds to start on a
  // loaded machine (the whole suite on 2 cores), which the 30 s test budget is not for.
  let smtp: ServerProcess;
  beforeAll(async () => {
    smtp = await startSmtpProcess(inject("redisUrl"));
  });
  afterAll(() => smtp?.stop());

  it("API here, SMTP in a second process", async () => {
    const redisUrl = inject("redisUrl");
    const store = await RedisStore.connect(redisUrl);
    const subscriptions = trackSubscriptions(store);
    const sb = await startTestSandbox({ SANDMAIL_CATCH_ALL: "false" }, { store, services: ["api"] });
    try {
      const run = await sb.createRun({ label: "cross-process" });
      const before = sb.api(run, `/v1/runs/${run.id}/messages/wait?subject=first&timeout=60000`);
      // Live before the mail is sent: only the Redis event can wake it.
      await subscriptions.untilActive(1, run.id);
      expect((await python(smtp.ports.smtp!, run.address("x"), "first, from the other process")).trim()).toBe(
        "250",
      );
      const res = await before;
      expect(res.status).toBe(200);
      const body = (await res.json()) as WaitBody;
      expect(body.messages[0]?.subject).toBe("first, from the other process");
      await subscriptions.untilActive(0, run.id);
      const next = sb.api(run, `/v1/runs/${run.id}/messages/wait?after=${body.cursor}&timeout=60000`);
      await subscriptions.untilActive(1, run.id);
      await python(smtp.ports.smtp!, run.address("x"), "second, from the other process");
      const res2 = await next;
      expect(res2.status).toBe(200);
      expect(((await res2.json()) as WaitBody).messages[0]?.subject).toBe("second, from the other process");
    } finally {
      await sb.close();
      await store.close();
    }
  });
});
