import { LoginThrottle } from "@sandmail/runtime";
import { type MailStore, MemoryStore, RedisStore } from "@sandmail/store";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Created, listen, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

// Over real HTTP (fetch against a listening server), for both stores.
const stores: Array<[string, () => MailStore]> = [
  ["MemoryStore", () => new MemoryStore()],
  [
    "RedisStore",
    () => new RedisStore({ url: inject("redisUrl"), keyPrefix: `api-iso-${process.pid}-${Date.now()}:` }),
  ],
];

describe.each(stores)("isolation between runs over HTTP (%s)", (_name, makeStore) => {
  let t: TestApp;
  let store: MailStore;
  let baseUrl: string;
  let a: Created;
  let b: Created;
  let aMsg: { id: string };
  let bMsg: { id: string };

  async function call(method: string, path: string, token?: string, body?: object) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: text };
  }

  beforeAll(async () => {
    store = makeStore();
    // Every wrong token here comes from 127.0.0.1: this suite is about which token reads what, so
    // the throttle lets them all through (login-throttle.test.ts covers the throttle).
    const loginThrottle = new LoginThrottle({ freeFailures: 10_000, refuseAfter: 10_000 });
    t = await makeApp({}, { store, loginThrottle });
    baseUrl = await listen(t.app);
    const create = async () => {
      const res = await call("POST", "/v1/runs", undefined, { label: "isolation" });
      expect(res.statusCode).toBe(201);
      return JSON.parse(res.body) as Created;
    };
    a = await create();
    b = await create();
    // A holds more messages than B so that some of A's ids do not exist in B at all.
    await seed(store, b, { to: `bob@${b.domain}`, subject: "B's only mail" });
    await seed(store, a, { to: `alice@${a.domain}`, subject: "A one", text: "A secret one" });
    aMsg = await seed(store, a, { to: `alice@${a.domain}`, subject: "A two", text: "A secret two" });
    bMsg = { id: (await store.listMessages(b.id))[0]!.id };
    expect(aMsg.id).not.toBe(bMsg.id);
  });

  afterAll(async () => {
    await t.close();
    await store.close();
  });

  it("B's token cannot list, read, fetch raw, patch or delete A's messages", async () => {
    const attempts: Array<[string, string, object?]> = [
      ["GET", `/v1/runs/${a.id}`],
      ["GET", `/v1/runs/${a.id}/inboxes`],
      ["GET", `/v1/runs/${a.id}/messages`],
      ["GET", `/v1/runs/${a.id}/messages/${aMsg.id}`],
      ["GET", `/v1/runs/${a.id}/messages/${aMsg.id}/raw`],
      ["GET", `/v1/runs/${a.id}/messages/${aMsg.id}/attachments/0`],
      ["PATCH", `/v1/runs/${a.id}/messages/${aMsg.id}`, { seen: true }],
      ["DELETE", `/v1/runs/${a.id}/messages/${aMsg.id}`],
      ["DELETE", `/v1/runs/${a.id}`],
    ];
    for (const [method, path, body] of attempts) {
      for (const token of [b.token, undefined, `${a.token}x`]) {
        const res = await call(method, path, token, body);
        expect(res.statusCode, `${method} ${path}`).toBe(401);
        expect(problemOf(res).code).toBe("unauthorized");
        expect(res.body).not.toMatch(/A secret|A one|A two|alice@/);
      }
    }
    // Nothing changed in A.
    const msg = await store.getMessage(a.id, aMsg.id);
    expect(msg?.flags).toEqual([]);
    expect((await store.runCounts(a.id)).messages).toBe(2);
  });

  it("A's message id asked for through run B is 404, even with B's valid token", async () => {
    for (const [method, suffix, body] of [
      ["GET", ""],
      ["GET", "/raw"],
      ["PATCH", "", { flagged: true }],
      ["DELETE", ""],
    ] as Array<[string, string, object?]>) {
      const res = await call(method, `/v1/runs/${b.id}/messages/${aMsg.id}${suffix}`, b.token, body);
      expect(res.statusCode, `${method} ${suffix}`).toBe(404);
      expect(problemOf(res).code).toBe("message_not_found");
    }
    const list = JSON.parse((await call("GET", `/v1/runs/${b.id}/messages`, b.token)).body);
    expect(list.messages.map((m: { subject: string }) => m.subject)).toEqual(["B's only mail"]);
    expect((await store.getMessage(a.id, aMsg.id))?.flags).toEqual([]);
  });

  it("keeps each run's protocol transcripts to itself", async () => {
    const session = {
      id: "sess-of-a",
      protocol: "smtp" as const,
      client: "127.0.0.1",
      tls: false,
      user: a.id,
      startedAt: Date.now(),
      endedAt: Date.now(),
      commands: 1,
      bytes: 100,
      omitted: 0,
      lines: [{ at: Date.now(), from: "client" as const, text: "MAIL FROM:<alice@shop.example>" }],
    };
    await store.addSession(a.id, session, { maxSessions: 10, maxBytes: 100_000 });
    for (const path of [`/v1/runs/${a.id}/sessions`, `/v1/runs/${a.id}/sessions/${session.id}`]) {
      for (const token of [b.token, undefined, `${a.token}x`]) {
        const res = await call("GET", path, token);
        expect(res.statusCode, path).toBe(401);
        expect(problemOf(res).code).toBe("unauthorized");
        expect(res.body).not.toContain("alice@");
      }
    }
    const viaB = await call("GET", `/v1/runs/${b.id}/sessions/${session.id}`, b.token);
    expect(viaB.statusCode).toBe(404);
    expect(problemOf(viaB).code).toBe("session_not_found");
    expect(JSON.parse((await call("GET", `/v1/runs/${b.id}/sessions`, b.token)).body)).toEqual({
      sessions: [],
    });
    const mine = await call("GET", `/v1/runs/${a.id}/sessions`, a.token);
    expect(JSON.parse(mine.body).sessions.map((s: { id: string }) => s.id)).toEqual([session.id]);
  });

  it("B's own token works for B", async () => {
    const res = await call("GET", `/v1/runs/${b.id}/messages/${bMsg.id}`, b.token);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).subject).toBe("B's only mail");
    const raw = await call("GET", `/v1/runs/${b.id}/messages/${bMsg.id}/raw`, b.token);
    expect(raw.headers["content-type"]).toBe("message/rfc822");
    expect(raw.body).toContain("Subject: B's only mail");
  });

  it("a deleted run's mail is gone from every view", async () => {
    const c = JSON.parse((await call("POST", "/v1/runs")).body) as Created;
    const m = await seed(store, c, { to: `carol@${c.domain}`, subject: "soon gone" });
    expect((await call("GET", `/v1/runs/${c.id}/messages/${m.id}`, c.token)).statusCode).toBe(200);
    expect((await call("DELETE", `/v1/runs/${c.id}`, c.token)).statusCode).toBe(204);
    for (const path of [
      `/v1/runs/${c.id}`,
      `/v1/runs/${c.id}/inboxes`,
      `/v1/runs/${c.id}/messages`,
      `/v1/runs/${c.id}/messages/${m.id}`,
      `/v1/runs/${c.id}/messages/${m.id}/raw`,
    ]) {
      const res = await call("GET", path, c.token);
      expect(res.statusCode, path).toBe(404);
      expect(problemOf(res).code).toBe("run_not_found");
      expect(res.body).not.toContain("soon gone");
    }
    expect(await store.getRaw(c.id, m.id).catch(() => undefined)).toBeUndefined();
    // The other runs are untouched.
    expect((await call("GET", `/v1/runs/${a.id}/messages`, a.token)).statusCode).toBe(200);
  });
});
