import { loadConfig } from "@sandmail/core";
import { LoginThrottle } from "@sandmail/runtime";
import { MemoryStore } from "@sandmail/store";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SseClient } from "../../../test/support/sse-client.js";
import { liftQueryToken } from "../src/events/query-token.js";
import { installProblemHandlers } from "../src/plugins/problem.js";
import { createRunAccess } from "../src/plugins/run-access.js";
import { eventRoutes } from "../src/routes/events.js";
import { bearer, listen, seed } from "./helpers.js";

/**
 * The event route as app.ts mounts it, but with a heartbeat of a few milliseconds so the tests
 * can await pings instead of waiting 15 s.
 */
async function streamApp(store: MemoryStore): Promise<FastifyInstance> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  const access = createRunAccess({
    store,
    apiKey: loadConfig({}).SANDMAIL_API_KEY,
    loginThrottle: new LoginThrottle(),
  });
  await app.register(
    async (scope) => {
      scope.addHook("onRequest", liftQueryToken);
      scope.addHook("onRequest", access.authenticateRun);
      await scope.register(eventRoutes, { store, access, heartbeatMs: 20, retryMs: 500, maxPerRun: 50 });
    },
    { prefix: "/v1/runs/:run" },
  );
  return app;
}

describe("event stream heartbeat", () => {
  let clock = Date.now();
  const store = new MemoryStore({ now: () => clock });
  let app: FastifyInstance;
  let base: string;
  const newRun = () => store.createRun({ ttlSeconds: 60, limits: { maxMessages: 1000, maxBytes: 1e8 } });

  beforeAll(async () => {
    app = await streamApp(store);
    base = await listen(app);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it("sends `: ping` comments and the retry hint", async () => {
    const run = await newRun();
    const es = await SseClient.connect(`${base}/v1/runs/${run.id}/events`, bearer(run.token));
    expect(es.status).toBe(200);
    expect((await es.comment(2)).trim()).toBe("ping");
    expect(es.retry).toBe(500);
    expect(es.raw).toContain(": ping\n");
    es.close();
  });

  it("a ping carries the position past filtered events, so a reconnect does not replay them", async () => {
    const run = await newRun();
    const es = await SseClient.connect(
      `${base}/v1/runs/${run.id}/events?types=message.flags`,
      bearer(run.token),
    );
    await es.comment(1);
    const msg = await seed(store, run, { subject: "filtered out" });
    // Bounded: the position goes out with the next ping after the feed has handled the event.
    for (let n = 2; n < 200 && !es.raw.includes(`id:${msg.seq}\n`); n++) await es.comment(n);
    expect(es.raw).toContain(`id:${msg.seq}\n`);
    expect(es.events).toEqual([]);
    es.close();

    await store.updateFlags(run.id, [msg.id], { op: "add", flags: ["\\Seen"] });
    const again = await SseClient.connect(
      `${base}/v1/runs/${run.id}/events?types=message.flags,message.added`,
      {
        ...bearer(run.token),
        "last-event-id": String(msg.seq),
      },
    );
    const [first] = await again.take(1);
    expect(first).toMatchObject({ event: "message.flags", id: String(msg.seq + 1) });
    again.close();
  });

  it("ends the stream when the run expires (which announces no event); a reconnect gets 404", async () => {
    const run = await newRun();
    const es = await SseClient.connect(`${base}/v1/runs/${run.id}/events?token=${run.token}`);
    await es.comment(1);
    clock += 61_000;
    await es.done;
    expect(es.ended).toBe(true);
    const again = await fetch(`${base}/v1/runs/${run.id}/events?token=${run.token}`);
    expect(again.status).toBe(404);
    await again.text();
  });
});
