import { afterEach, describe, expect, it } from "vitest";
import { bearer, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("POST /v1/runs", () => {
  it("creates a run with its domain, token, TTL, limits and SMTP settings", async () => {
    t = await makeApp({ SANDMAIL_DOMAIN: "mail.example", SANDMAIL_RUN_TTL_SECONDS: "600" });
    const before = Date.now();
    const res = await t.app.inject({ method: "POST", url: "/v1/runs", payload: { label: "ci #7" } });
    expect(res.statusCode).toBe(201);
    const run = res.json();
    expect(run.id).toMatch(/^[a-z][a-z0-9]+$/);
    expect(run.domain).toBe(`${run.id}.mail.example`);
    expect(run.label).toBe("ci #7");
    expect(run.token.length).toBeGreaterThanOrEqual(24);
    const ttl = Date.parse(run.expiresAt) - Date.parse(run.createdAt);
    expect(ttl).toBe(600_000);
    expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(run.limits).toEqual({ maxMessages: 100_000, maxBytes: 2 * 1024 * 1024 * 1024 });
    expect(run.smtp).toEqual({
      host: "mail.local",
      port: 2525,
      tlsPort: 4650,
      username: run.id,
      password: run.token,
    });
    expect(run).not.toHaveProperty("imap");
    const stored = await t.store.getRun(run.id);
    expect(stored?.token).toBe(run.token);
  });

  it("accepts no body at all and an empty object", async () => {
    t = await makeApp();
    const bare = await t.app.inject({ method: "POST", url: "/v1/runs" });
    expect(bare.statusCode).toBe(201);
    const empty = await t.app.inject({ method: "POST", url: "/v1/runs", payload: {} });
    expect(empty.statusCode).toBe(201);
    expect(bare.json().id).not.toBe(empty.json().id);
  });

  it("honours ttlSeconds up to the configured maximum and refuses more with 400", async () => {
    t = await makeApp({ SANDMAIL_MAX_RUN_TTL_SECONDS: "120" });
    const ok = await t.app.inject({ method: "POST", url: "/v1/runs", payload: { ttlSeconds: 120 } });
    expect(ok.statusCode).toBe(201);
    expect(Date.parse(ok.json().expiresAt) - Date.parse(ok.json().createdAt)).toBe(120_000);

    const tooLong = await t.app.inject({ method: "POST", url: "/v1/runs", payload: { ttlSeconds: 121 } });
    expect(tooLong.statusCode).toBe(400);
    const problem = problemOf(tooLong);
    expect(problem.code).toBe("invalid_request");
    expect(problem.errors).toEqual([expect.objectContaining({ in: "body", path: "ttlSeconds" })]);
  });

  it.each([
    [{ ttlSeconds: 0 }, "ttlSeconds"],
    [{ ttlSeconds: 1.5 }, "ttlSeconds"],
    [{ ttlSeconds: "60" }, "ttlSeconds"],
    [{ label: "x".repeat(201) }, "label"],
    [{ colour: "blue" }, ""],
  ])("refuses %j with 400 naming the field", async (payload, path) => {
    t ??= await makeApp();
    const res = await t.app.inject({ method: "POST", url: "/v1/runs", payload });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe("invalid_request");
    expect(problem.errors?.[0]?.path).toBe(path);
  });

  it("hands out IMAP settings only when IMAP ports are given", async () => {
    t = await makeApp(
      {},
      { endpoints: { host: "h.example", smtpPort: 25, smtpsPort: 465, imapPort: 143, imapsPort: 993 } },
    );
    const run = (await t.app.inject({ method: "POST", url: "/v1/runs" })).json();
    expect(run.imap).toEqual({
      host: "h.example",
      port: 143,
      tlsPort: 993,
      usernameHint: `<inbox>@${run.domain}`,
      password: run.token,
    });
  });

  it("needs the API key when SANDMAIL_API_KEY is set", async () => {
    t = await makeApp({ SANDMAIL_API_KEY: "admin-secret-0123456789" });
    const none = await t.app.inject({ method: "POST", url: "/v1/runs" });
    expect(none.statusCode).toBe(401);
    expect(problemOf(none).code).toBe("unauthorized");
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);

    const wrong = await t.app.inject({ method: "POST", url: "/v1/runs", headers: bearer("admin-secreT") });
    expect(wrong.statusCode).toBe(401);
    expect(problemOf(wrong).code).toBe("unauthorized");

    const ok = await t.app.inject({
      method: "POST",
      url: "/v1/runs",
      headers: bearer("admin-secret-0123456789"),
    });
    expect(ok.statusCode).toBe(201);
    const run = ok.json();

    // The API key is an admin credential for every run; the run's own token works as well.
    const asAdmin = await t.app.inject({
      url: `/v1/runs/${run.id}`,
      headers: bearer("admin-secret-0123456789"),
    });
    expect(asAdmin.statusCode).toBe(200);
    const asRun = await t.app.inject({ url: `/v1/runs/${run.id}`, headers: bearer(run.token) });
    expect(asRun.statusCode).toBe(200);
    // ...but a run token cannot create runs.
    const runCreates = await t.app.inject({ method: "POST", url: "/v1/runs", headers: bearer(run.token) });
    expect(runCreates.statusCode).toBe(401);
  });
});

describe("GET /v1/runs/{run}", () => {
  it("shows the run with counts and without its token", async () => {
    t = await makeApp();
    const run = await createRun(t.app, { label: "counts" });
    await seed(t.store, run, { to: `a@${run.domain}` });
    await seed(t.store, run, { to: `a@${run.domain}` });
    const third = await seed(t.store, run, { to: `b@${run.domain}` });
    const res = await t.app.inject({ url: `/v1/runs/${run.id}`, headers: bearer(run.token) });
    expect(res.statusCode).toBe(200);
    const info = res.json();
    expect(info).toMatchObject({ id: run.id, domain: run.domain, label: "counts" });
    expect(info.counts.messages).toBe(3);
    expect(info.counts.inboxes).toBe(2);
    expect(info.counts.bytes).toBeGreaterThan(third.size * 2);
    expect(res.body).not.toContain(run.token);
  });

  it("401 without a token, 404 for an unknown run, 401 for a token of another run", async () => {
    t = await makeApp();
    const a = await createRun(t.app);
    const b = await createRun(t.app);

    const missing = await t.app.inject({ url: `/v1/runs/${a.id}` });
    expect(missing.statusCode).toBe(401);
    expect(problemOf(missing).code).toBe("unauthorized");

    const notBearer = await t.app.inject({
      url: `/v1/runs/${a.id}`,
      headers: { authorization: `Basic ${a.token}` },
    });
    expect(notBearer.statusCode).toBe(401);

    const unknown = await t.app.inject({ url: "/v1/runs/nosuchrun", headers: bearer(a.token) });
    expect(unknown.statusCode).toBe(404);
    expect(problemOf(unknown).code).toBe("run_not_found");

    const invalidId = await t.app.inject({ url: "/v1/runs/NOT_A_RUN", headers: bearer(a.token) });
    expect(invalidId.statusCode).toBe(404);
    expect(problemOf(invalidId).code).toBe("run_not_found");

    const other = await t.app.inject({ url: `/v1/runs/${a.id}`, headers: bearer(b.token) });
    expect(other.statusCode).toBe(401);
    expect(problemOf(other).code).toBe("unauthorized");
    expect(other.body).not.toContain(a.token);
  });

  it("an expired run is 404", async () => {
    let now = Date.now();
    const { MemoryStore } = await import("@sandmail/store");
    const store = new MemoryStore({ now: () => now });
    t = await makeApp({}, { store });
    const run = await createRun(t.app, { ttlSeconds: 60 });
    await seed(store, run);
    expect((await t.app.inject({ url: `/v1/runs/${run.id}`, headers: bearer(run.token) })).statusCode).toBe(
      200,
    );
    now += 61_000;
    for (const url of [`/v1/runs/${run.id}`, `/v1/runs/${run.id}/messages`, `/v1/runs/${run.id}/inboxes`]) {
      const res = await t.app.inject({ url, headers: bearer(run.token) });
      expect(res.statusCode, url).toBe(404);
      expect(problemOf(res).code).toBe("run_not_found");
    }
    await store.close();
  });
});

describe("DELETE /v1/runs/{run}", () => {
  it("deletes the run and all its mail: 204, then 404 everywhere", async () => {
    t = await makeApp();
    const run = await createRun(t.app);
    const msg = await seed(t.store, run);
    const headers = bearer(run.token);

    const wrong = await t.app.inject({
      method: "DELETE",
      url: `/v1/runs/${run.id}`,
      headers: bearer("nope"),
    });
    expect(wrong.statusCode).toBe(401);
    expect(await t.store.getRun(run.id)).toBeDefined();

    const res = await t.app.inject({ method: "DELETE", url: `/v1/runs/${run.id}`, headers });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    expect(await t.store.getRun(run.id)).toBeUndefined();

    const base = `/v1/runs/${run.id}`;
    for (const url of [
      base,
      `${base}/inboxes`,
      `${base}/messages`,
      `${base}/messages/${msg.id}`,
      `${base}/messages/${msg.id}/raw`,
    ]) {
      const after = await t.app.inject({ url, headers });
      expect(after.statusCode, url).toBe(404);
      expect(problemOf(after).code).toBe("run_not_found");
    }
    const again = await t.app.inject({ method: "DELETE", url: base, headers });
    expect(again.statusCode).toBe(404);
  });
});

describe("GET /v1/runs (the operator's run list)", () => {
  const KEY = "operator-key-0123456789";

  it("lists every live run with counts and token to the API key holder only", async () => {
    t = await makeApp({ SANDMAIL_API_KEY: KEY });
    const a = await createRun(t.app, { label: "a" }, bearer(KEY));
    const b = await createRun(t.app, { label: "b" }, bearer(KEY));
    await seed(t.store, a, { subject: "counted" });

    const list = await t.app.inject({ method: "GET", url: "/v1/runs", headers: bearer(KEY) });
    expect(list.statusCode).toBe(200);
    const runs = list.json().runs as Array<{ id: string; token: string; counts: { messages: number } }>;
    expect(runs.find((r) => r.id === a.id)).toMatchObject({
      token: a.token,
      label: "a",
      counts: { messages: 1 },
    });
    expect(runs.find((r) => r.id === b.id)).toMatchObject({ token: b.token, counts: { messages: 0 } });

    // A run's own token is not an operator's: it never sees the other runs.
    for (const headers of [{}, bearer(a.token), bearer(`${KEY}x`)]) {
      const res = await t.app.inject({ method: "GET", url: "/v1/runs", headers });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain(b.token);
      expect(problemOf(res).code).toBe("unauthorized");
    }
  });

  it("without a key answers only on a loopback bind, and only to loopback callers", async () => {
    t = await makeApp({ SANDMAIL_HOST: "127.0.0.1" });
    const run = await createRun(t.app);
    const local = await t.app.inject({ method: "GET", url: "/v1/runs", remoteAddress: "127.0.0.1" });
    expect(local.statusCode).toBe(200);
    expect(local.json().runs.map((r: { id: string }) => r.id)).toContain(run.id);
    const remote = await t.app.inject({ method: "GET", url: "/v1/runs", remoteAddress: "10.1.2.3" });
    expect(remote.statusCode).toBe(403);
    expect(problemOf(remote).code).toBe("forbidden");
    await t.close();

    t = await makeApp({ SANDMAIL_HOST: "0.0.0.0" });
    await createRun(t.app);
    const open = await t.app.inject({ method: "GET", url: "/v1/runs", remoteAddress: "127.0.0.1" });
    expect(open.statusCode).toBe(403);
    expect(open.body).not.toMatch(/"token"/);
  });
});
