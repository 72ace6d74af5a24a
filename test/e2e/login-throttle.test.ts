import { LoginThrottle } from "@sandmail/runtime";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/*
 * Wrong credentials over SMTP AUTH, IMAP LOGIN and API tokens count together per client address.
 * The throttle's figures are scaled down (free 2, then 100 ms doubling, refused from 6) so the
 * test runs in seconds; the defaults only differ in size. Delays are asserted as lower bounds,
 * which a slow machine cannot break: the span from the start of the failing attempt to the end of
 * the next one holds the whole delay the failure earned.
 */
const FREE = 2;
const BASE_MS = 100;
const REFUSE_AFTER = 6;

let sb: TestSandbox;
let run: TestRun;

beforeAll(async () => {
  const loginThrottle = new LoginThrottle({
    freeFailures: FREE,
    baseDelayMs: BASE_MS,
    maxDelayMs: 10_000,
    refuseAfter: REFUSE_AFTER,
  });
  sb = await startTestSandbox({ SANDMAIL_API_KEY: "an-api-key-of-32-characters-0000" }, { loginThrottle });
  run = await sb.createRun();
});
afterAll(async () => {
  await sb?.close();
});

const smtpLogin = (pass: string, localAddress = "127.0.0.1") =>
  nodemailer
    .createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      ignoreTLS: true,
      localAddress,
      auth: { user: run.id, pass },
    })
    .verify()
    .then(
      () => ({ code: 235, response: "" }),
      (e: { responseCode?: number; response?: string }) => ({
        code: e.responseCode,
        response: e.response ?? "",
      }),
    );

async function imapLogin(pass: string): Promise<{ ok: boolean; response: string }> {
  const client = new ImapFlow({
    host: "127.0.0.1",
    port: sb.ports.imap!,
    secure: false,
    doSTARTTLS: false,
    auth: { user: `x@${run.domain}`, pass },
    logger: false,
  });
  try {
    await client.connect();
    await client.logout();
    return { ok: true, response: "" };
  } catch (err) {
    const e = err as { responseText?: string; response?: string; serverResponseCode?: string };
    return { ok: false, response: `${e.serverResponseCode ?? ""} ${e.responseText ?? e.response ?? ""}` };
  } finally {
    client.close();
  }
}

const apiRead = (token: string) => sb.api({ token }, `/v1/runs/${run.id}`);

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; endedAt: number }> {
  const value = await work();
  return { value, endedAt: performance.now() };
}

describe("wrong credentials slow down per client address, over SMTP, IMAP and the API together", () => {
  it("delays exponentially, then refuses (454 4.7.0, NO [UNAVAILABLE], 429); right logins from elsewhere pass", async () => {
    // Before any failure a right login is never delayed or refused.
    expect((await smtpLogin(run.token)).code).toBe(235);
    expect((await imapLogin(run.token)).ok).toBe(true);
    expect((await apiRead(run.token)).status).toBe(200);

    const attempts: Array<() => Promise<unknown>> = [
      () => smtpLogin("wrong").then((r) => expect(r.code).toBe(535)),
      () => imapLogin("wrong").then((r) => expect(r.response).toContain("AUTHENTICATIONFAILED")),
      () => apiRead("wrong-token").then((r) => expect(r.status).toBe(401)),
    ];
    let previousStart = 0;
    for (let failure = 0; failure < REFUSE_AFTER; failure++) {
      const start = performance.now();
      const { endedAt } = await timed(attempts[failure % attempts.length]!);
      // This attempt follows `failure` failures: past the free ones it owed a doubling delay.
      if (failure >= FREE) {
        const owed = BASE_MS * 2 ** (failure - FREE);
        expect(endedAt - previousStart).toBeGreaterThanOrEqual(owed);
      }
      previousStart = start;
    }

    // Refused now, right credentials included: a guesser learns nothing while refused.
    const smtp = await smtpLogin(run.token);
    expect(smtp.code).toBe(454);
    expect(smtp.response).toContain("4.7.0");
    expect((await imapLogin(run.token)).response).toContain("UNAVAILABLE");
    const api = await apiRead(run.token);
    expect(api.status).toBe(429);
    expect(api.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(api.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await api.json()) as { code: string }).code).toBe("too_many_requests");

    // Another client address is not affected.
    expect((await smtpLogin(run.token, "127.0.0.2")).code).toBe(235);
  });
});

describe("the API key never travels in a URL", () => {
  let own: TestSandbox;
  const key = "another-api-key-of-32-characters";
  beforeAll(async () => {
    own = await startTestSandbox({ SANDMAIL_API_KEY: key }, { services: ["api"] });
  });
  afterAll(async () => {
    await own?.close();
  });

  it("?token= of the event stream takes the run's token, never the API key", async () => {
    const sb = own;
    const run = await sb.createRun();
    const viaHeader = await sb.api({ token: key }, `/v1/runs/${run.id}`);
    expect(viaHeader.status).toBe(200);
    const url = (token: string) => `${sb.apiUrl}/v1/runs/${run.id}/events?token=${encodeURIComponent(token)}`;
    const withKey = await fetch(url(key), { signal: AbortSignal.timeout(5000) });
    expect(withKey.status).toBe(401);
    const withRunToken = await fetch(url(run.token), { signal: AbortSignal.timeout(5000) });
    expect(withRunToken.status).toBe(200);
    expect(withRunToken.headers.get("content-type")).toContain("text/event-stream");
    await withRunToken.body?.cancel();
  });
});
