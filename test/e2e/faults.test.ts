import net from "node:net";
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

type Rule = Record<string, unknown>;
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  rejected?: string[];
}

const putFaults = async (sb: TestSandbox, run: TestRun, rules: Rule[]) => {
  const res = await sb.api(run, `/v1/runs/${run.id}/faults`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rules }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { rules: Array<Rule & { remaining: number | null; fired: number }> }).rules;
};

const getFaults = async (sb: TestSandbox, run: TestRun) => {
  const res = await sb.api(run, `/v1/runs/${run.id}/faults`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { rules: Array<Rule & { remaining: number | null; fired: number }> }).rules;
};

const subjects = async (sb: TestSandbox, run: TestRun) => {
  const res = await sb.api(run, `/v1/runs/${run.id}/messages`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: Array<{ subject: string }> }).messages
    .map((m) => m.subject)
    .sort();
};

const transport = (port: number | undefined, extra: Record<string, unknown> = {}) =>
  nodemailer.createTransport({ host: "127.0.0.1", port, ignoreTLS: true, ...extra });

/** One send; the SMTP reply code it ended with (250 on success), the error for anything else. */
async function sendOnce(t: Transporter, mail: SendMailOptions): Promise<number> {
  try {
    await t.sendMail({ from: "app@shop.example", text: "hello", ...mail });
    return 250;
  } catch (err) {
    const e = err as SmtpError;
    if (e.responseCode) return e.responseCode;
    throw err;
  }
}

/**
 * What an application that retries does: on a 4xx reply it sends the same message again (here
 * at once; `pause` between attempts when given). Returns the reply code of every attempt.
 */
async function sendWithRetry(
  t: Transporter,
  mail: SendMailOptions,
  attempts: number,
  pause?: () => Promise<void>,
): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const code = await sendOnce(t, mail);
    codes.push(code);
    if (code < 400 || code >= 500) break;
    await pause?.();
  }
  return codes;
}

/** A raw SMTP dialogue: writes each line after the previous reply, returns every reply and whether the server closed. */
async function dialogue(
  port: number | undefined,
  lines: string[],
): Promise<{ replies: string[]; closed: boolean }> {
  const socket = net.connect(port ?? 0, "127.0.0.1");
  const replies: string[] = [];
  let buffer = "";
  let closed = false;
  let waiting: (() => void) | undefined;
  socket.on("data", (chunk) => {
    buffer += chunk.toString("latin1");
    let end = buffer.indexOf("\r\n");
    while (end >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^\d{3} /.test(line)) {
        replies.push(line);
        waiting?.();
      }
      end = buffer.indexOf("\r\n");
    }
  });
  socket.on("close", () => {
    closed = true;
    waiting?.();
  });
  const next = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (replies.length >= count || closed) {
          waiting = undefined;
          resolve();
        }
      };
      waiting = check;
      check();
    });
  await next(1);
  for (const line of lines) {
    if (closed) break;
    const want = replies.length + 1;
    socket.write(`${line}\r\n`);
    await next(want);
  }
  if (closed) return { replies, closed: true };
  const answered = [...replies];
  socket.write("QUIT\r\n");
  await new Promise<void>((resolve) => (closed ? resolve() : socket.once("close", () => resolve())));
  return { replies: answered, closed: false };
}

describe("per-run SMTP fault injection", () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  it("a retrying nodemailer application gets 451 once, and its message lands exactly once", async () => {
    const run = await sb.createRun();
    await putFaults(sb, run, [
      { stage: "rcpt", action: "reply", code: 451, message: "Try again later", count: 1 },
    ]);
    const t = transport(sb.ports.smtp);
    const codes = await sendWithRetry(t, { to: run.address("user"), subject: "retried" }, 3);
    t.close();
    expect(codes).toEqual([451, 250]);
    expect(await subjects(sb, run)).toEqual(["retried"]);
    expect(await getFaults(sb, run)).toEqual([
      {
        stage: "rcpt",
        action: "reply",
        code: 451,
        message: "Try again later",
        count: 1,
        remaining: 0,
        fired: 1,
      },
    ]);
  });

  it("answers with the rule's code and a matching enhanced status code, and a 421 closes the connection", async () => {
    const run = await sb.createRun();
    await putFaults(sb, run, [
      { stage: "rcpt", action: "reply", code: 552, message: "Mailbox full", count: 1 },
      { stage: "rcpt", action: "reply", code: 421, message: "Going away" },
    ]);
    const full = await dialogue(sb.ports.smtp, [
      "EHLO x",
      "MAIL FROM:<a@shop.example>",
      `RCPT TO:<${run.address("u")}>`,
    ]);
    expect(full.replies.at(-1)).toBe("552 5.2.2 Mailbox full");
    expect(full.closed).toBe(false);
    const gone = await dialogue(sb.ports.smtp, [
      "EHLO x",
      "MAIL FROM:<a@shop.example>",
      `RCPT TO:<${run.address("u")}>`,
      "NOOP",
    ]);
    expect(gone.replies.at(-1)).toBe("421 4.4.2 Going away");
    expect(gone.closed).toBe(true);
  });

  it("greylists the first attempt per sender and recipient and accepts a retry after the wait", async () => {
    const run = await sb.createRun();
    await putFaults(sb, run, [{ stage: "rcpt", action: "greylist", retryAfterSeconds: 1 }]);
    const t = transport(sb.ports.smtp);
    const mail = { to: run.address("grey"), subject: "greylisted" };
    // Retried at once: still within the wait, still greylisted.
    const first = await t
      .sendMail({ from: "app@shop.example", text: "x", ...mail })
      .catch((e: SmtpError) => e);
    expect((first as SmtpError).response).toBe("451 4.7.1 Greylisted: try again in 1 seconds");
    expect(await sendOnce(t, mail)).toBe(451);
    expect(await subjects(sb, run)).toEqual([]);
    // A sending MTA retries later; here every 300 ms until it is through.
    const codes = await sendWithRetry(t, mail, 20, () => new Promise((r) => setTimeout(r, 300)));
    expect(codes.at(-1)).toBe(250);
    expect(codes.slice(0, -1).every((c) => c === 451)).toBe(true);
    // A new sender for the same recipient is a new pair: greylisted again; the passed pair is not.
    expect(await sendOnce(t, { ...mail, from: "other@shop.example" })).toBe(451);
    expect(await sendOnce(t, mail)).toBe(250);
    t.close();
    expect(await subjects(sb, run)).toEqual(["greylisted", "greylisted"]);
  });

  it("disconnect at after-data stores the message, the client sees an error, and its retry duplicates it", async () => {
    const run = await sb.createRun();
    await putFaults(sb, run, [{ stage: "after-data", action: "disconnect", count: 1 }]);
    const t = transport(sb.ports.smtp);
    const mail = { to: run.address("dup"), subject: "stored anyway", messageId: "<dup-1@shop.example>" };
    await expect(t.sendMail({ from: "app@shop.example", text: "x", ...mail })).rejects.toMatchObject({
      message: expect.stringMatching(/closed|ECONNRESET|unexpected/i),
    });
    expect(await subjects(sb, run)).toEqual(["stored anyway"]);
    expect(await sendOnce(t, mail)).toBe(250);
    t.close();
    const res = await sb.api(run, `/v1/runs/${run.id}/messages`);
    const { messages } = (await res.json()) as { messages: Array<{ id: string }> };
    const ids = await Promise.all(
      messages.map(async (m) => {
        const detail = await sb.api(run, `/v1/runs/${run.id}/messages/${m.id}`);
        return ((await detail.json()) as { messageId: string }).messageId;
      }),
    );
    expect(ids).toEqual(["<dup-1@shop.example>", "<dup-1@shop.example>"]);
  });

  it("reply at after-data refuses the received message and stores nothing; data refuses DATA itself", async () => {
    const run = await sb.createRun();
    await putFaults(sb, run, [
      { stage: "data", action: "reply", code: 554, message: "No DATA for you", count: 1 },
      { stage: "after-data", action: "reply", code: 451, count: 1 },
    ]);
    const data = await dialogue(sb.ports.smtp, [
      "EHLO x",
      "MAIL FROM:<a@shop.example>",
      `RCPT TO:<${run.address("u")}>`,
      "DATA",
    ]);
    expect(data.replies.at(-1)).toBe("554 5.6.0 No DATA for you");
    const t = transport(sb.ports.smtp);
    expect(await sendOnce(t, { to: run.address("u"), subject: "refused after data" })).toBe(451);
    expect(await sendOnce(t, { to: run.address("u"), subject: "then accepted" })).toBe(250);
    t.close();
    expect(await subjects(sb, run)).toEqual(["then accepted"]);
  });

  it("require-tls: MAIL before STARTTLS gets 530 5.7.0, after STARTTLS it is accepted", async () => {
    const run = await sb.createRun();
    await putFaults(sb, run, [{ stage: "mail", action: "require-tls" }]);
    const auth = { user: run.id, pass: run.token };
    const plain = transport(sb.ports.smtp, { auth });
    const err = (await plain.sendMail({ from: "a@shop.example", to: "x@anywhere.example", text: "x" }).then(
      () => undefined,
      (e: unknown) => e,
    )) as SmtpError | undefined;
    plain.close();
    expect(err?.responseCode).toBe(530);
    expect(err?.response).toMatch(/^530 5\.7\.0 /);
    const tls = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth,
    });
    await tls.sendMail({ from: "a@shop.example", to: "x@anywhere.example", subject: "over tls", text: "x" });
    tls.close();
    expect(await subjects(sb, run)).toEqual(["over tls"]);
    expect(await getFaults(sb, run)).toMatchObject([{ remaining: null, fired: 1 }]);
  });

  it("connect-stage rules act on AUTH as the run, not on unauthenticated senders", async () => {
    const run = await sb.createRun();
    await putFaults(sb, run, [{ stage: "connect", action: "reply", code: 421, message: "Not now" }]);
    const authed = transport(sb.ports.smtp, { auth: { user: run.id, pass: run.token } });
    await expect(
      authed.sendMail({ from: "a@shop.example", to: "x@y.example", text: "x" }),
    ).rejects.toMatchObject({
      responseCode: 421,
    });
    authed.close();
    const anonymous = transport(sb.ports.smtp);
    expect(await sendOnce(anonymous, { to: run.address("u"), subject: "anonymous" })).toBe(250);
    anonymous.close();
    expect(await subjects(sb, run)).toEqual(["anonymous"]);
  });

  it("a probability rule with a seed fires in the same sequence every time it is set", async () => {
    const run = await sb.createRun();
    const rules = [{ stage: "rcpt", action: "reply", code: 451, probability: 0.5, seed: 1234 }];
    const t = transport(sb.ports.smtp, { pool: true, maxConnections: 1 });
    const sequence = async () => {
      await putFaults(sb, run, rules);
      const codes: number[] = [];
      for (let i = 0; i < 16; i++) codes.push(await sendOnce(t, { to: run.address("p"), subject: `p${i}` }));
      return codes;
    };
    const first = await sequence();
    expect(await sequence()).toEqual(first);
    t.close();
    expect(first).toContain(451);
    expect(first).toContain(250);
    expect(await getFaults(sb, run)).toMatchObject([
      { seed: 1234, fired: first.filter((c) => c === 451).length },
    ]);
  });

  it("a run with faults never disturbs another run's traffic, sent at the same time", async () => {
    const faulty = await sb.createRun();
    const calm = await sb.createRun();
    const dataFaulty = await sb.createRun();
    await putFaults(sb, faulty, [
      { stage: "rcpt", action: "reply", code: 550, message: "No" },
      { stage: "data", action: "delay", delayMs: 50 },
    ]);
    await putFaults(sb, dataFaulty, [{ stage: "data", action: "reply", code: 554 }]);
    const t = transport(sb.ports.smtp, { pool: true, maxConnections: 4 });
    const sends = Array.from({ length: 12 }, (_, i) =>
      sendOnce(t, { to: (i % 2 ? faulty : calm).address(`c${i}`), subject: `m${i}` }),
    );
    const codes = await Promise.all(sends);
    expect(codes.filter((_, i) => i % 2 === 1)).toEqual(Array(6).fill(550));
    expect(codes.filter((_, i) => i % 2 === 0)).toEqual(Array(6).fill(250));
    // One message to both runs: the faulty run's recipient is refused, the other's is delivered.
    const both = (await t.sendMail({
      from: "app@shop.example",
      to: [faulty.address("f"), calm.address("c")],
      subject: "both",
      text: "x",
    })) as { accepted: string[]; rejected: string[] };
    expect(both.rejected).toEqual([faulty.address("f")]);
    // Data-stage rules act only when every recipient is the run's: a shared message goes through.
    await t.sendMail({
      from: "app@shop.example",
      to: [dataFaulty.address("d"), calm.address("d")],
      subject: "shared",
      text: "x",
    });
    expect(await sendOnce(t, { to: dataFaulty.address("d"), subject: "own" })).toBe(554);
    // A session authenticated as the calm run meets none of the faulty run's rules.
    const asCalm = transport(sb.ports.smtp, { auth: { user: calm.id, pass: calm.token } });
    expect(await sendOnce(asCalm, { to: faulty.address("x"), subject: "as calm" })).toBe(250);
    asCalm.close();
    t.close();
    expect(await subjects(sb, faulty)).toEqual([]);
    expect(await subjects(sb, dataFaulty)).toEqual(["shared"]);
    expect(await subjects(sb, calm)).toEqual(
      ["as calm", "both", "m0", "m10", "m2", "m4", "m6", "m8", "shared"].sort(),
    );
    expect(await getFaults(sb, calm)).toEqual([]);
  });

  it("keeps each run's fault endpoints to its own token and refuses bad rules with problem+json", async () => {
    const a = await sb.createRun();
    const b = await sb.createRun();
    await putFaults(sb, a, [{ stage: "rcpt", action: "reply", code: 451 }]);
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await sb.api(b, `/v1/runs/${a.id}/faults`, {
        method,
        ...(method === "PUT"
          ? { body: JSON.stringify({ rules: [] }), headers: { "content-type": "application/json" } }
          : {}),
      });
      expect(res.status, method).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(await getFaults(sb, a)).toHaveLength(1);
    const bad = [
      { rules: [{ stage: "connect", action: "greylist" }] },
      { rules: [{ stage: "rcpt", action: "reply" }] },
      { rules: [{ stage: "rcpt", action: "reply", code: 250 }] },
      { rules: [{ stage: "data", action: "delay", delayMs: 10_000_000 }] },
      { rules: [{ stage: "rcpt", action: "reply", code: 451, message: "a\r\nb" }] },
      { rules: [{ stage: "nowhere", action: "reply", code: 451 }] },
      { rules: "all" },
    ];
    for (const body of bad) {
      const res = await sb.api(a, `/v1/runs/${a.id}/faults`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("invalid_request");
    }
    const cleared = await sb.api(a, `/v1/runs/${a.id}/faults`, { method: "DELETE" });
    expect(cleared.status).toBe(200);
    expect(await getFaults(sb, a)).toEqual([]);
  });
});

describe("fault rules across SMTP processes sharing Redis", () => {
  let api: TestSandbox;
  let one: TestSandbox;
  let two: TestSandbox;
  beforeAll(async () => {
    const env = { REDIS_URL: inject("redisUrl") };
    api = await startTestSandbox(env, { services: ["api"] });
    one = await startTestSandbox(env, { services: ["smtp"] });
    two = await startTestSandbox(env, { services: ["smtp"] });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await api?.close();
  });

  it("applies the same rules in every process and counts firings once across them", async () => {
    const run = await api.createRun();
    await putFaults(api, run, [{ stage: "rcpt", action: "reply", code: 451, count: 3 }]);
    const ta = transport(one.ports.smtp);
    const tb = transport(two.ports.smtp);
    const codes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sendOnce(i % 2 ? ta : tb, { to: run.address("r"), subject: `r${i}` }),
      ),
    );
    ta.close();
    tb.close();
    expect(codes.filter((c) => c === 451)).toHaveLength(3);
    expect(codes.filter((c) => c === 250)).toHaveLength(7);
    expect(await subjects(api, run)).toHaveLength(7);
    expect(await getFaults(api, run)).toMatchObject([{ remaining: 0, fired: 3 }]);
  });
});
