import { indexMessage } from "@sandmail/mime";
import { RedisStore } from "@sandmail/store";
import { afterEach, describe, expect, inject, it } from "vitest";
import { bearer, buildRaw, createRun, listen, makeApp, seed, type TestApp } from "./helpers.js";
import { CountingStore } from "./wait-support.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("store subscriptions behind waits", () => {
  it("many waits on a run share one subscription, released when the last ends", async () => {
    const store = new CountingStore();
    t = await makeApp({}, { store });
    const app = t.app;
    const [a, b] = [await createRun(app), await createRun(app)];
    const waits = Array.from({ length: 200 }, (_, i) => {
      const run = i % 2 === 0 ? a : b;
      return app.inject({
        url: `/v1/runs/${run.id}/messages/wait?timeout=60000`,
        headers: bearer(run.token),
      });
    });
    await store.untilActive(2);
    await seed(store, a, { subject: "for a" });
    await seed(store, b, { subject: "for b" });
    const answers = await Promise.all(waits);
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    expect(new Set(answers.map((r) => r.json().messages[0].subject))).toEqual(new Set(["for a", "for b"]));
    await store.untilActive(0);
    // Two runs, so two subscriptions: not one per wait.
    expect(store.opened).toBe(2);
  });

  it("a client that disconnects releases its wait at once", async () => {
    const store = new CountingStore();
    t = await makeApp({}, { store });
    const run = await createRun(t.app);
    const url = await listen(t.app);
    const controller = new AbortController();
    const request = fetch(`${url}/v1/runs/${run.id}/messages/wait?timeout=60000`, {
      headers: bearer(run.token),
      signal: controller.signal,
    });
    await store.untilActive(1);
    controller.abort();
    await expect(request).rejects.toThrow();
    await store.untilActive(0);
    // The server is still fine and still answers waits.
    await seed(store, run, { subject: "after the disconnect" });
    const res = await fetch(`${url}/v1/runs/${run.id}/messages/wait?subject=after`, {
      headers: bearer(run.token),
    });
    expect(res.status).toBe(200);
  });

  it("a POST wait is released on disconnect too", async () => {
    const store = new CountingStore();
    t = await makeApp({}, { store });
    const run = await createRun(t.app);
    const url = await listen(t.app);
    const controller = new AbortController();
    const request = fetch(`${url}/v1/runs/${run.id}/messages/wait`, {
      method: "POST",
      headers: { ...bearer(run.token), "content-type": "application/json" },
      body: JSON.stringify({ subject: "never", timeout: 60000 }),
      signal: controller.signal,
    });
    await store.untilActive(1);
    controller.abort();
    await expect(request).rejects.toThrow();
    await store.untilActive(0);
  });
});

describe("waits on the RedisStore", () => {
  it("wake for mail another store connection (as another process would) appends", async () => {
    const url = inject("redisUrl");
    const prefix = `wait-${Date.now()}-${Math.random().toString(36).slice(2)}:`;
    const api = await RedisStore.connect({ url, keyPrefix: prefix });
    const ingest = await RedisStore.connect({ url, keyPrefix: prefix });
    try {
      t = await makeApp({}, { store: api });
      const run = await createRun(t.app);
      const base = await listen(t.app);
      const pending = fetch(`${base}/v1/runs/${run.id}/messages/wait?subject=redis&timeout=60000`, {
        headers: bearer(run.token),
      });
      // Another connection appends repeatedly until the wait answers: it may not be live yet.
      const raw = buildRaw({ to: `x@${run.domain}`, subject: "Via redis" });
      const first = await ingest.appendMessage(run.id, {
        address: `x@${run.domain}`,
        raw,
        meta: indexMessage(raw),
      });
      const res = await pending;
      expect(res.status).toBe(200);
      const body = (await res.json()) as { messages: Array<{ id: string }>; cursor: number };
      expect(body.messages[0]?.id).toBe(first.id);
      // Now strictly after: the wait must come from the pub/sub event.
      const next = fetch(
        `${base}/v1/runs/${run.id}/messages/wait?subject=redis&after=${body.cursor}&timeout=60000`,
        {
          headers: bearer(run.token),
        },
      );
      const second = await ingest.appendMessage(run.id, {
        address: `x@${run.domain}`,
        raw,
        meta: indexMessage(raw),
      });
      const res2 = await next;
      expect(res2.status).toBe(200);
      expect(((await res2.json()) as { messages: Array<{ id: string }> }).messages[0]?.id).toBe(second.id);
    } finally {
      await t?.close();
      t = undefined;
      await ingest.close();
      await api.close();
    }
  });
});
