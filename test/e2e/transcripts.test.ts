/**
 * Protocol transcripts per run, with real clients: nodemailer (SMTP AUTH PLAIN and LOGIN),
 * imapflow, Python's poplib, and raw sockets for the credential forms the libraries do not use.
 * Secrets and bodies never reach a transcript; a run sees only its own sessions.
 */
import net from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { openInbox } from "../support/imap-client.js";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/** The API's answers, as far as these tests read them. */
interface Summary {
  id: string;
  protocol: string;
  client: string;
  tls: boolean;
  user: string | null;
  startedAt: string;
  endedAt: string;
  commands: number;
}
type Transcript = Summary & { lines: Array<{ from: "client" | "server"; text: string }> };

const BODY_MARKER = "body-marker-that-must-not-be-recorded";

let sb: TestSandbox;

beforeAll(async () => {
  sb = await startTestSandbox();
});

afterAll(async () => {
  await sb?.close();
});

async function listSessions(run: TestRun): Promise<Summary[]> {
  const res = await sb.api(run, `/v1/runs/${run.id}/sessions`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: Summary[] }).sessions;
}

/** Sessions are kept once they end, which the server sees shortly after the client: wait for it. */
async function sessionsWhen(run: TestRun, ready: (s: Summary[]) => boolean): Promise<Summary[]> {
  let last: Summary[] = [];
  await vi.waitFor(
    async () => {
      last = await listSessions(run);
      if (!ready(last)) throw new Error(`sessions so far: ${JSON.stringify(last)}`);
    },
    { timeout: 10_000, interval: 50 },
  );
  return last;
}

async function transcript(
  run: TestRun,
  id: string,
): Promise<{ json: Transcript; raw: string; text: string }> {
  const res = await sb.api(run, `/v1/runs/${run.id}/sessions/${id}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const raw = await res.text();
  const plain = await sb.api(run, `/v1/runs/${run.id}/sessions/${id}`, { headers: { accept: "text/plain" } });
  expect(plain.status).toBe(200);
  expect(plain.headers.get("content-type")).toMatch(/^text\/plain/);
  return { json: JSON.parse(raw) as Transcript, raw, text: await plain.text() };
}

function expectNowhere(secret: string, ...texts: string[]): void {
  for (const t of texts) expect(t).not.toContain(secret);
}

/** Every form a secret could take on the wire. */
function secretForms(user: string, secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString("base64"),
    Buffer.from(`\0${user}\0${secret}`).toString("base64"),
    Buffer.from(`${user}\0${user}\0${secret}`).toString("base64"),
  ];
}

/** A raw client: writes each line, then waits until the reply matches. */
async function dialog(
  port: number,
  steps: Array<[line: string | undefined, until: RegExp]>,
): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  const closed = new Promise((resolve) => socket.once("close", resolve));
  let received = "";
  socket.on("data", (d: Buffer) => {
    received += d.toString("latin1");
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  for (const [line, until] of steps) {
    const from = received.length;
    if (line !== undefined) socket.write(`${line}\r\n`);
    await vi.waitFor(
      () => {
        if (!until.test(received.slice(from))) throw new Error(`waiting for ${until} in ${received}`);
      },
      { timeout: 5000, interval: 10 },
    );
  }
  socket.end();
  await closed;
  return received;
}

describe("SMTP transcripts", () => {
  it("records a nodemailer session with AUTH PLAIN and one with AUTH LOGIN, secrets redacted, bodies as sizes", async () => {
    const run = await sb.createRun();
    for (const method of ["PLAIN", "LOGIN"]) {
      const smtp = nodemailer.createTransport({
        host: "127.0.0.1",
        port: sb.ports.smtp,
        ignoreTLS: true,
        auth: { user: run.id, pass: run.token, method },
      });
      await smtp.sendMail({
        from: "app@example.com",
        to: run.address("user"),
        subject: `via ${method}`,
        text: `${BODY_MARKER}\n`,
      });
      smtp.close();
    }
    const sessions = await sessionsWhen(run, (s) => s.length === 2);
    for (const s of sessions) {
      expect(s).toMatchObject({ protocol: "smtp", client: "127.0.0.1", tls: false, user: run.id });
      expect(Date.parse(s.endedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
      expect(s.commands).toBeGreaterThanOrEqual(5);
    }
    const [login, plain] = await Promise.all(sessions.map((s) => transcript(run, s.id)));
    for (const { json, raw, text } of [login!, plain!]) {
      for (const form of secretForms(run.id, run.token)) expectNowhere(form, raw, text);
      expectNowhere(BODY_MARKER, raw, text);
      const lines = json.lines.map((l) => `${l.from === "client" ? "C" : "S"}: ${l.text}`);
      expect(lines[0]).toMatch(/^S: 220 /);
      expect(lines).toContain(`C: MAIL FROM:<app@example.com>`);
      expect(lines).toContain(`C: RCPT TO:<${run.address("user")}>`);
      expect(lines).toContain("C: DATA");
      expect(lines.find((l) => l.startsWith("C: [message body: "))).toMatch(
        /^C: \[message body: \d{3,} bytes\]$/,
      );
      expect(lines.at(-1)).toMatch(/^S: 250 2\.6\.0 OK: queued as /);
      expect(text).toMatch(/^# SMTP session /);
      expect(text).toMatch(/\n\d\d:\d\d:\d\d\.\d{3} C: DATA\n/);
    }
    const plainLines = plain!.json.lines.map((l) => l.text);
    expect(plainLines).toContain("AUTH PLAIN [redacted]");
    // AUTH LOGIN sends the user and the password on continuation lines: each redacted as a whole.
    const loginLines = login!.json.lines.map((l) => l.text);
    const at = loginLines.indexOf("AUTH LOGIN");
    expect(loginLines.slice(at, at + 6)).toEqual([
      "AUTH LOGIN",
      "334 VXNlcm5hbWU6",
      "[redacted]",
      "334 UGFzc3dvcmQ6",
      "[redacted]",
      "235 2.7.0 Authentication successful",
    ]);
  });

  it("records every reply line as the client received it, an own enhanced status code once", async () => {
    const run = await sb.createRun();
    // A reply whose text carries its own enhanced code: the wire shows that one alone.
    const rule = {
      stage: "rcpt",
      action: "reply",
      code: 451,
      message: "4.7.1 Greylisted, try again",
      count: 1,
    };
    const put = await sb.api(run, `/v1/runs/${run.id}/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rules: [rule] }),
    });
    expect(put.status).toBe(200);
    const received = await dialog(sb.ports.smtp ?? 0, [
      [undefined, /^220 /m],
      ["EHLO client.example", /^250 /m],
      ["MAIL FROM:<app@example.com>", /^250 /m],
      [`RCPT TO:<${run.address("u")}>`, /^451 /m],
      ["QUIT", /^221 /m],
    ]);
    expect(received).toContain("451 4.7.1 Greylisted, try again\r\n");
    const [session] = await sessionsWhen(run, (s) => s.length === 1);
    const { json } = await transcript(run, session!.id);
    const wire = received.split("\r\n").filter(Boolean);
    expect(json.lines.filter((l) => l.from === "server").map((l) => l.text)).toEqual(wire);
  });

  it("keeps the same lines in the RedisStore, which serializes them", async () => {
    const box = await startTestSandbox({ REDIS_URL: inject("redisUrl") });
    try {
      const run = await box.createRun();
      const body = "Subject: r\r\n\r\nhello\r\n";
      const received = await dialog(box.ports.smtp ?? 0, [
        [undefined, /^220 /m],
        ["EHLO client.example", /^250 /m],
        ["MAIL FROM:<app@example.com>", /^250 /m],
        [`RCPT TO:<${run.address("u")}>`, /^250 /m],
        ["DATA", /^354 /m],
        [`${body}.`, /^250 /m],
        ["QUIT", /^221 /m],
      ]);
      const listed = async () =>
        ((await (await box.api(run, `/v1/runs/${run.id}/sessions`)).json()) as { sessions: Summary[] })
          .sessions;
      await vi.waitFor(
        async () => {
          if ((await listed()).length !== 1) throw new Error("session not kept yet");
        },
        { timeout: 10_000, interval: 50 },
      );
      const [session] = await listed();
      const res = await box.api(run, `/v1/runs/${run.id}/sessions/${session!.id}`);
      const { lines } = (await res.json()) as Transcript;
      const wire = received.split("\r\n").filter(Boolean);
      expect(lines.filter((l) => l.from === "server").map((l) => l.text)).toEqual(wire);
      expect(wire.filter((l) => l.startsWith("250-")).length).toBeGreaterThan(2);
      expect(lines.filter((l) => l.from === "client").map((l) => l.text)).toEqual([
        "EHLO client.example",
        "MAIL FROM:<app@example.com>",
        `RCPT TO:<${run.address("u")}>`,
        "DATA",
        `[message body: ${body.length} bytes]`,
        "QUIT",
      ]);
    } finally {
      await box.close();
    }
  });

  it("keeps no session for a failed login, and shows a shared session's other runs only as a marker", async () => {
    const a = await sb.createRun();
    const b = await sb.createRun();
    const wrong = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      ignoreTLS: true,
      auth: { user: a.id, pass: "wrong-password-of-a-guesser" },
    });
    await expect(wrong.sendMail({ from: "x@example.com", to: a.address("u"), text: "x" })).rejects.toThrow();
    wrong.close();
    // One unauthenticated message to both runs: each run keeps the session, without the other's recipient.
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    await smtp.sendMail({ from: "app@example.com", to: [a.address("ann"), b.address("bob")], text: "both" });
    smtp.close();
    const [sa] = await sessionsWhen(a, (s) => s.length === 1);
    const [sb2] = await sessionsWhen(b, (s) => s.length === 1);
    expect(sa!.id).toBe(sb2!.id);
    expect(sa!.user).toBeNull();
    const ta = await transcript(a, sa!.id);
    const tb = await transcript(b, sb2!.id);
    expect(ta.json.lines.map((l) => l.text)).toContain(`RCPT TO:<${a.address("ann")}>`);
    expect(ta.json.lines.map((l) => l.text)).toContain("[concerns another run]");
    expectNowhere(b.address("bob"), ta.raw, ta.text);
    expectNowhere(b.id, ta.raw, ta.text);
    expect(tb.json.lines.map((l) => l.text)).toContain(`RCPT TO:<${b.address("bob")}>`);
    expectNowhere(a.address("ann"), tb.raw, tb.text);
    expectNowhere("wrong-password-of-a-guesser", ta.raw, tb.raw);
  });
});

describe("IMAP transcripts", () => {
  it("records an imapflow session: login redacted, fetched bodies and appended literals as sizes", async () => {
    const run = await sb.createRun();
    const address = run.address("reader");
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    await smtp.sendMail({ from: "app@example.com", to: address, subject: "hello", text: `${BODY_MARKER}\n` });
    smtp.close();
    await sessionsWhen(run, (s) => s.length === 1);
    const imap = await openInbox(sb, address, run.token);
    const message = await imap.fetchOne("1", { source: true });
    expect(message ? message.source?.toString() : undefined).toContain(BODY_MARKER);
    await imap.append("INBOX", `Subject: appended\r\n\r\n${BODY_MARKER}\r\n`);
    await imap.logout();
    const sessions = await sessionsWhen(run, (s) => s.some((x) => x.protocol === "imap"));
    const session = sessions.find((s) => s.protocol === "imap")!;
    expect(session).toMatchObject({ client: "127.0.0.1", tls: false, user: address });
    const { json, raw, text } = await transcript(run, session.id);
    for (const form of secretForms(address, run.token)) expectNowhere(form, raw, text);
    expectNowhere(BODY_MARKER, raw, text);
    const lines = json.lines.map((l) => `${l.from === "client" ? "C" : "S"}: ${l.text}`);
    expect(lines[0]).toMatch(/^S: \* OK \[CAPABILITY /);
    // imapflow authenticates with AUTHENTICATE PLAIN, its response on the line after the `+`.
    const at = lines.findIndex((l) => /^C: \S+ AUTHENTICATE PLAIN/.test(l));
    expect(lines.slice(at, at + 3)).toEqual(["C: 2 AUTHENTICATE PLAIN", "S: + ", "C: [redacted]"]);
    // The body imapflow fetched and the message it appended: a literal each, shown as its size.
    expect(lines.some((l) => /^S: \* 1 FETCH .*\{\d+\}\[\d+ bytes\]/.test(l))).toBe(true);
    expect(lines.some((l) => /^C: \S+ APPEND INBOX .*\{\d+\+?\}\[\d+ bytes\]$/.test(l))).toBe(true);
    expect(lines.some((l) => /^C: \S+ LOGOUT$/.test(l))).toBe(true);
  });

  it("redacts a quoted LOGIN password and AUTHENTICATE data sent on a line of its own", async () => {
    const run = await sb.createRun();
    const address = run.address("raw");
    const port = sb.ports.imap ?? 0;
    await dialog(port, [
      [undefined, /^\* OK/],
      [`a LOGIN "${address}" "${run.token}"`, /a OK/],
      ["b LOGOUT", /b OK/],
    ]);
    const plain = Buffer.from(`\0${address}\0${run.token}`).toString("base64");
    await dialog(port, [
      [undefined, /^\* OK/],
      ["c AUTHENTICATE PLAIN", /^\+/],
      [plain, /c OK/],
      ["d LOGOUT", /d OK/],
    ]);
    const sessions = await sessionsWhen(run, (s) => s.length === 2);
    const [authenticate, login] = await Promise.all(sessions.map((s) => transcript(run, s.id)));
    for (const t of [authenticate!, login!]) {
      for (const form of secretForms(address, run.token)) expectNowhere(form, t.raw, t.text);
    }
    expect(login!.json.lines.map((l) => l.text)).toContain(`a LOGIN "${address}" [redacted]`);
    const authLines = authenticate!.json.lines.map((l) => l.text);
    expect(authLines).toContain("c AUTHENTICATE PLAIN");
    expect(authLines).toContain("[redacted]");
  });
});

describe("POP3 transcripts", () => {
  it("records a poplib session: PASS redacted, RETR as a size", async () => {
    const run = await sb.createRun();
    const address = run.address("popper");
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    await smtp.sendMail({
      from: "app@example.com",
      to: address,
      subject: "pop me",
      text: `${BODY_MARKER}\n`,
    });
    smtp.close();
    await sessionsWhen(run, (s) => s.length === 1);
    const out = await runPython(
      `
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]))
p.user(sys.argv[2])
p.pass_(sys.argv[3])
print(len(p.retr(1)[1]))
p.quit()
`,
      [String(sb.ports.pop3), address, run.token],
    );
    expect(Number(out.trim())).toBeGreaterThan(3);
    // AUTH PLAIN with the response on a continuation line.
    await dialog(sb.ports.pop3 ?? 0, [
      [undefined, /^\+OK/],
      ["AUTH PLAIN", /^\+ /],
      [Buffer.from(`\0${address}\0${run.token}`).toString("base64"), /\+OK/],
      ["QUIT", /\+OK/],
    ]);
    const sessions = await sessionsWhen(run, (s) => s.filter((x) => x.protocol === "pop3").length === 2);
    const [auth, poplib] = sessions.filter((s) => s.protocol === "pop3");
    expect(poplib).toMatchObject({ user: address, tls: false });
    const p = await transcript(run, poplib!.id);
    const a = await transcript(run, auth!.id);
    for (const t of [p, a]) {
      for (const form of secretForms(address, run.token)) expectNowhere(form, t.raw, t.text);
      expectNowhere(BODY_MARKER, t.raw, t.text);
    }
    const lines = p.json.lines.map((l) => `${l.from === "client" ? "C" : "S"}: ${l.text}`);
    expect(lines).toContain(`C: USER ${address}`);
    expect(lines).toContain("C: PASS [redacted]");
    expect(lines).toContain("C: RETR 1");
    expect(lines.some((l) => /^S: \[message: \d+ bytes\]$/.test(l))).toBe(true);
    expect(a.json.lines.map((l) => l.text)).toEqual(expect.arrayContaining(["AUTH PLAIN", "[redacted]"]));
  });
});

describe("access", () => {
  it("answers another run's token 401/404 and never lists one run's session for another", async () => {
    const a = await sb.createRun();
    const b = await sb.createRun();
    const smtp = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      ignoreTLS: true,
      auth: { user: a.id, pass: a.token },
    });
    await smtp.sendMail({ from: "app@example.com", to: a.address("x"), text: "x" });
    smtp.close();
    const [session] = await sessionsWhen(a, (s) => s.length === 1);
    expect(await listSessions(b)).toEqual([]);
    const foreign = await sb.api(b, `/v1/runs/${a.id}/sessions`);
    expect([401, 403, 404]).toContain(foreign.status);
    const foreignOne = await sb.api(b, `/v1/runs/${a.id}/sessions/${session!.id}`);
    expect([401, 403, 404]).toContain(foreignOne.status);
    expect(await foreignOne.text()).not.toContain("MAIL FROM");
    const viaB = await sb.api(b, `/v1/runs/${b.id}/sessions/${session!.id}`);
    expect(viaB.status).toBe(404);
    expect(viaB.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await viaB.json()).toMatchObject({ code: "session_not_found" });
    const anonymous = await sb.api(undefined, `/v1/runs/${a.id}/sessions`);
    expect(anonymous.status).toBe(401);
  });
});

describe("ring bounds", () => {
  it("keeps the newest sessions past SANDMAIL_TRANSCRIPT_SESSIONS, and none when it is 0", async () => {
    const small = await startTestSandbox({ SANDMAIL_TRANSCRIPT_SESSIONS: "3" });
    const off = await startTestSandbox({ SANDMAIL_TRANSCRIPT_SESSIONS: "0" });
    try {
      const run = await small.createRun();
      const listOf = async (box: TestSandbox, r: TestRun) =>
        ((await (await box.api(r, `/v1/runs/${r.id}/sessions`)).json()) as { sessions: Summary[] }).sessions;
      const fromOf = async (id: string) => {
        const t = (await (await small.api(run, `/v1/runs/${run.id}/sessions/${id}`)).json()) as Transcript;
        return t.lines.find((l) => l.text.startsWith("MAIL FROM:"))?.text;
      };
      for (let i = 1; i <= 5; i++) {
        const smtp = nodemailer.createTransport({
          host: "127.0.0.1",
          port: small.ports.smtp,
          ignoreTLS: true,
        });
        await smtp.sendMail({ from: `s${i}@example.com`, to: run.address("ring"), text: "x" });
        smtp.close();
        // One session ends before the next begins, so the ring's order is the sending order.
        await vi.waitFor(
          async () => {
            const ids = await listOf(small, run);
            if (ids.length === 0 || (await fromOf(ids[0]!.id)) !== `MAIL FROM:<s${i}@example.com>`) {
              throw new Error(`session ${i} not kept yet`);
            }
          },
          { timeout: 10_000, interval: 50 },
        );
      }
      const kept = await listOf(small, run);
      expect(await Promise.all(kept.map((s) => fromOf(s.id)))).toEqual([
        "MAIL FROM:<s5@example.com>",
        "MAIL FROM:<s4@example.com>",
        "MAIL FROM:<s3@example.com>",
      ]);

      const quiet = await off.createRun();
      const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: off.ports.smtp, ignoreTLS: true });
      await smtp.sendMail({ from: "a@example.com", to: quiet.address("x"), text: "x" });
      smtp.close();
      // Once the server has closed the session (no SMTP session open), it would have been kept by now.
      await vi.waitFor(
        async () => {
          const metrics = await (await fetch(`${off.apiUrl}/metrics`)).text();
          if (!/^sandmail_smtp_sessions_active 0$/m.test(metrics)) throw new Error("session still open");
        },
        { timeout: 10_000, interval: 50 },
      );
      expect((await off.api(quiet, `/v1/runs/${quiet.id}/messages`)).status).toBe(200);
      expect(await listOf(off, quiet)).toEqual([]);
    } finally {
      await small.close();
      await off.close();
    }
  });
});
