import { request as httpRequest } from "node:http";
import { loadConfig } from "@sandmail/core";
import { createMetrics, type SandmailMetrics } from "@sandmail/metrics";
import { MemoryStore } from "@sandmail/store";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/index.js";
import { bearer, createRun, endpoints, listen } from "./helpers.js";

/** The value of one sample line (`name{labels} value`) in a scrape, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  let app: FastifyInstance | undefined;
  let store: MemoryStore | undefined;
  afterEach(async () => {
    await app?.close();
    await store?.close();
    app = undefined;
    store = undefined;
  });

  async function start(env: Record<string, string> = {}, metrics?: SandmailMetrics) {
    store = new MemoryStore();
    app = await buildApp({ config: loadConfig(env), store, endpoints, ...(metrics ? { metrics } : {}) });
    await app.ready();
    return app;
  }

  const scrape = async (target: FastifyInstance) => {
    const res = await target.inject({ url: "/metrics" });
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  it("answers the Prometheus text format without a token, even when run creation needs a key", async () => {
    const a = await start({ SANDMAIL_API_KEY: "k".repeat(32) });
    const res = await a.inject({ url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.body).toContain("# TYPE sandmail_api_requests_total counter");
    expect(res.body).toContain("# TYPE sandmail_api_waits_active gauge");
    expect(sample(res.body, "sandmail_api_event_streams_active")).toBe(0);
    expect(sample(res.body, 'sandmail_smtp_messages_total{result="accepted"}')).toBe(0);
  });

  it("labels requests with the route pattern and status, never the run id, token or raw URL", async () => {
    const a = await start();
    const run = await createRun(a);
    expect((await a.inject({ url: `/v1/runs/${run.id}`, headers: bearer(run.token) })).statusCode).toBe(200);
    expect((await a.inject({ url: `/v1/runs/${run.id}`, headers: bearer(run.token) })).statusCode).toBe(200);
    expect(
      (await a.inject({ url: `/v1/runs/${run.id}/messages`, headers: bearer("wrong") })).statusCode,
    ).toBe(401);
    expect(
      (await a.inject({ url: `/v1/runs/${run.id}/messages/nope-${run.id}`, headers: bearer(run.token) }))
        .statusCode,
    ).toBe(404);
    expect((await a.inject({ url: `/no/such/${run.id}` })).statusCode).toBe(404);

    const text = await scrape(a);
    expect(sample(text, 'sandmail_api_requests_total{route="/v1/runs",status="201"}')).toBe(1);
    expect(sample(text, 'sandmail_api_requests_total{route="/v1/runs/:run",status="200"}')).toBe(2);
    expect(sample(text, 'sandmail_api_requests_total{route="/v1/runs/:run/messages",status="401"}')).toBe(1);
    expect(sample(text, 'sandmail_api_requests_total{route="/v1/runs/:run/messages/:id",status="404"}')).toBe(
      1,
    );
    expect(sample(text, 'sandmail_api_requests_total{route="unmatched",status="404"}')).toBe(1);
    expect(text).not.toContain(run.id);
    expect(text).not.toContain(run.token);
    // The scrape itself is counted once it has been answered.
    expect(sample(await scrape(a), 'sandmail_api_requests_total{route="/metrics",status="200"}')).toBe(1);
  });

  it("serves the registry it was given, with what other services counted into it", async () => {
    const metrics = createMetrics();
    metrics.smtpMessages.inc({ result: "rejected" });
    metrics.imapCommands.inc({ command: "LOGIN" });
    const release = metrics.apiWaits.hold();
    const text = await scrape(await start({}, metrics));
    expect(sample(text, 'sandmail_smtp_messages_total{result="rejected"}')).toBe(1);
    expect(sample(text, 'sandmail_imap_commands_total{command="LOGIN"}')).toBe(1);
    expect(sample(text, "sandmail_api_waits_active")).toBe(1);
    release();
    expect(sample(await scrape(app!), "sandmail_api_waits_active")).toBe(0);
  });

  it("counts an open event stream while it is open", async () => {
    const metrics = createMetrics();
    const a = await start({}, metrics);
    const run = await createRun(a);
    const base = await listen(a);
    const req = httpRequest(`${base}/v1/runs/${run.id}/events`, { headers: bearer(run.token) });
    const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      req.once("response", resolve).once("error", reject).end();
    });
    expect(res.statusCode).toBe(200);
    expect(sample(await scrape(a), "sandmail_api_event_streams_active")).toBe(1);
    // The server notices the client leaving asynchronously: wait for its side of the close.
    req.destroy();
    await until(() => metrics.apiEventStreams.value() === 0);
    expect(sample(await scrape(a), "sandmail_api_event_streams_active")).toBe(0);
  });
});

/** Resolves once `done()` holds, checking every few ms; gives up (failing the test) after 5 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("condition not reached within 5 s");
}
