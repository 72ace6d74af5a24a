import nodemailer, { type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gaugeReaches as reachGauge } from "../support/metrics.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { SseClient } from "../support/sse-client.js";

const MAX_WAITS = 3;
const MAX_STREAMS = 2;

/**
 * Per-run caps on held waits and event streams (SANDMAIL_MAX_WAITS_PER_RUN,
 * SANDMAIL_MAX_STREAMS_PER_RUN) over real HTTP: one past the cap gets 429 problem+json with a
 * stable code, other runs are unaffected, and every way a wait or stream ends gives its slot back.
 */
describe("caps on open waits and event streams per run", () => {
  let sb: TestSandbox;
  let smtp: Transporter;
  let a: TestRun;
  let b: TestRun;

  const gaugeReaches = (series: string, value: number) => reachGauge(sb.apiUrl, series, value);

  /** A wait held open until `abort` (a client going away) or until mail matching `subject` comes. */
  const holdWait = (run: TestRun, subject: string) => {
    const abort = new AbortController();
    const response = sb
      .api(
        run,
        `/v1/runs/${run.id}/messages/wait?subject=${encodeURIComponent(`"${subject}"`)}&timeout=60000`,
        {
          signal: abort.signal,
        },
      )
      .then(
        async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }),
        (err: unknown) => ({ status: 0, body: { error: String(err) } }),
      );
    return { abort: () => abort.abort(), response };
  };

  const send = (to: string, subject: string) =>
    smtp.sendMail({ from: "app@example.com", to, subject, text: `body of ${subject}` });

  beforeAll(async () => {
    sb = await startTestSandbox({
      SANDMAIL_CATCH_ALL: "false",
      SANDMAIL_MAX_WAITS_PER_RUN: String(MAX_WAITS),
      SANDMAIL_MAX_STREAMS_PER_RUN: String(MAX_STREAMS),
    });
    smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    a = await sb.createRun();
    b = await sb.createRun();
  });
  afterAll(async () => {
    smtp?.close();
    await sb?.close();
  });

  it(`the wait past ${MAX_WAITS} on a run gets 429 too_many_waits; other runs wait on; each ending frees its slot`, async () => {
    const held = Array.from({ length: MAX_WAITS }, (_, i) => holdWait(a, `held ${i}`));
    await gaugeReaches("sandmail_api_waits_active", MAX_WAITS);

    for (const method of ["GET", "POST"] as const) {
      const res =
        method === "GET"
          ? await sb.api(a, `/v1/runs/${a.id}/messages/wait?subject=x&timeout=1`)
          : await sb.api(a, `/v1/runs/${a.id}/messages/wait`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ subject: "x", timeout: 1 }),
            });
      expect(res.status).toBe(429);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 429, code: "too_many_waits", limit: MAX_WAITS });
      expect(problem.detail).toContain("SANDMAIL_MAX_WAITS_PER_RUN");
    }

    // Another run is not held back by run a's waits.
    await send(b.address("bob"), "for b");
    const other = await sb.api(b, `/v1/runs/${b.id}/messages/wait?subject=for%20b&timeout=5000`);
    expect(other.status).toBe(200);

    // A wait that answers gives its slot back...
    await send(a.address("alice"), "held 0");
    expect((await held[0]?.response)?.status).toBe(200);
    await gaugeReaches("sandmail_api_waits_active", MAX_WAITS - 1);
    // ...so does a client that goes away...
    held[1]?.abort();
    await held[1]?.response;
    await gaugeReaches("sandmail_api_waits_active", MAX_WAITS - 2);
    // ...and a wait that times out: more of them, one after another, than the cap.
    for (let i = 0; i < MAX_WAITS + 1; i++) {
      const res = await sb.api(a, `/v1/runs/${a.id}/messages/wait?subject=nothing&timeout=1`);
      expect(res.status).toBe(408);
      await res.arrayBuffer();
    }
    // The freed slots are usable: up to the cap again, then 429.
    const more = [holdWait(a, "more 0"), holdWait(a, "more 1")];
    await gaugeReaches("sandmail_api_waits_active", MAX_WAITS);
    const refused = await sb.api(a, `/v1/runs/${a.id}/messages/wait?subject=x&timeout=1`);
    expect(refused.status).toBe(429);
    await refused.arrayBuffer();

    for (const w of [...held, ...more]) w.abort();
    await Promise.all([...held, ...more].map((w) => w.response));
    await gaugeReaches("sandmail_api_waits_active", 0);
  });

  it(`the stream past ${MAX_STREAMS} on a run gets 429 too_many_streams; closing one frees its slot`, async () => {
    const url = (run: TestRun) => `${sb.apiUrl}/v1/runs/${run.id}/events`;
    const auth = (run: TestRun) => ({ authorization: `Bearer ${run.token}` });
    const open = await Promise.all(
      Array.from({ length: MAX_STREAMS }, () => SseClient.connect(url(a), auth(a))),
    );
    for (const s of open) expect(s.status).toBe(200);

    const refused = await SseClient.connect(url(a), auth(a));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    await refused.done;
    expect(JSON.parse(refused.raw)).toMatchObject({
      status: 429,
      code: "too_many_streams",
      limit: MAX_STREAMS,
    });

    const elsewhere = await SseClient.connect(url(b), auth(b));
    expect(elsewhere.status).toBe(200);
    elsewhere.close();

    // A client that disconnects frees its slot; the stream opened next works.
    open[0]?.close();
    await gaugeReaches("sandmail_api_event_streams_active", MAX_STREAMS - 1);
    const again = await SseClient.connect(url(a), auth(a));
    expect(again.status).toBe(200);
    await send(a.address("alice"), "seen by the new stream");
    const added = await again.takeUntil((e) => e.event === "message.added");
    expect(added.json).toMatchObject({ message: { subject: "seen by the new stream" } });

    for (const s of [...open, again]) s.close();
    await gaugeReaches("sandmail_api_event_streams_active", 0);
  });

  it("declares the 429s in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${sb.apiUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const wait = doc.paths["/v1/runs/{run}/messages/wait"];
    expect(wait?.get?.responses["429"]?.description).toContain("too_many_waits");
    expect(wait?.post?.responses["429"]?.description).toContain("too_many_waits");
    expect(doc.paths["/v1/runs/{run}/events"]?.get?.responses["429"]?.description).toContain(
      "too_many_streams",
    );
  });
});
