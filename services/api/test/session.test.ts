import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Created, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

function sessionCookieOf(res: { headers: Record<string, unknown> }): { value: string; attributes: string } {
  const header = res.headers["set-cookie"];
  const line = String(Array.isArray(header) ? header[0] : header);
  const match = /^sandmail_session=([^;]*);(.*)$/.exec(line);
  if (!match) throw new Error(`no session cookie in ${line}`);
  return { value: match[1]!, attributes: match[2]! };
}

describe("browser session cookie", () => {
  let t: TestApp;
  let a: Created;
  let b: Created;
  let aCookie: string;
  let bCookie: string;
  let aMsg: string;
  let bMsg: string;
  const origin = "http://mail.local:8025";
  const host = "mail.local:8025";

  beforeAll(async () => {
    t = await makeApp();
    a = await createRun(t.app);
    b = await createRun(t.app);
    aMsg = (await seed(t.store, a, { subject: "for a", html: "<p>a</p>" })).id;
    bMsg = (await seed(t.store, b, { subject: "for b" })).id;
    const open = async (run: Created) => {
      const res = await t.app.inject({
        method: "POST",
        url: `/v1/runs/${run.id}/session`,
        headers: bearer(run.token),
      });
      expect(res.statusCode).toBe(204);
      return sessionCookieOf(res);
    };
    const ca = await open(a);
    aCookie = ca.value;
    expect(ca.attributes).toMatch(new RegExp(`Path=/v1/runs/${a.id}(;|$)`));
    expect(ca.attributes).toMatch(/HttpOnly/);
    expect(ca.attributes).toMatch(/SameSite=Strict/);
    expect(ca.attributes).toMatch(/Max-Age=\d+/);
    bCookie = (await open(b)).value;
  });
  afterAll(() => t.close());

  const withCookie = (value: string, extra: Record<string, string> = {}) => ({
    cookie: `sandmail_session=${value}`,
    host,
    ...extra,
  });

  it("is not the token", () => {
    expect(aCookie).not.toContain(a.token);
  });

  it("reads the run's messages, raw source and HTML view without an Authorization header", async () => {
    const list = await t.app.inject({ url: `/v1/runs/${a.id}/messages`, headers: withCookie(aCookie) });
    expect(list.statusCode).toBe(200);
    expect(list.json().messages.map((m: { subject: string }) => m.subject)).toEqual(["for a"]);
    const raw = await t.app.inject({
      url: `/v1/runs/${a.id}/messages/${aMsg}/raw`,
      headers: withCookie(aCookie),
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.body).toContain("Subject: for a");
    const html = await t.app.inject({
      url: `/v1/runs/${a.id}/messages/${aMsg}/html`,
      headers: withCookie(aCookie),
    });
    expect(html.statusCode).toBe(200);
  });

  it("never opens another run: neither its cookie on this run's routes nor a forged one", async () => {
    for (const url of [`/v1/runs/${a.id}/messages`, `/v1/runs/${a.id}/messages/${aMsg}/raw`]) {
      const res = await t.app.inject({ url, headers: withCookie(bCookie) });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain("for a");
    }
    const forged = await t.app.inject({
      url: `/v1/runs/${b.id}/messages/${bMsg}/raw`,
      headers: withCookie(aCookie),
    });
    expect(forged.statusCode).toBe(401);
    expect(problemOf(forged).code).toBe("unauthorized");
    const empty = await t.app.inject({ url: `/v1/runs/${a.id}/messages`, headers: withCookie("") });
    expect(empty.statusCode).toBe(401);
  });

  it("makes changes only from this origin (another port of the same site is refused)", async () => {
    const url = `/v1/runs/${a.id}/messages/${aMsg}`;
    const foreign = await t.app.inject({
      method: "PATCH",
      url,
      payload: { seen: true },
      headers: withCookie(aCookie, { origin: "http://mail.local:3000" }),
    });
    expect(foreign.statusCode).toBe(403);
    expect(problemOf(foreign).code).toBe("forbidden");
    const none = await t.app.inject({
      method: "PATCH",
      url,
      payload: { seen: true },
      headers: withCookie(aCookie),
    });
    expect(none.statusCode).toBe(403);
    expect((await t.store.getMessage(a.id, aMsg))?.flags).not.toContain("\\Seen");

    const same = await t.app.inject({
      method: "PATCH",
      url,
      payload: { seen: true },
      headers: withCookie(aCookie, { origin }),
    });
    expect(same.statusCode).toBe(200);
    expect((await t.store.getMessage(a.id, aMsg))?.flags).toContain("\\Seen");
  });

  it("is cleared by DELETE .../session", async () => {
    const res = await t.app.inject({
      method: "DELETE",
      url: `/v1/runs/${a.id}/session`,
      headers: withCookie(aCookie, { origin }),
    });
    expect(res.statusCode).toBe(204);
    expect(String(res.headers["set-cookie"])).toMatch(/sandmail_session=;.*Expires=Thu, 01 Jan 1970/);
  });

  it("dies with the run", async () => {
    const c = await createRun(t.app);
    const open = await t.app.inject({
      method: "POST",
      url: `/v1/runs/${c.id}/session`,
      headers: bearer(c.token),
    });
    const cookie = sessionCookieOf(open).value;
    await t.store.deleteRun(c.id);
    await t.store.createRun({ id: c.id, ttlSeconds: 60, limits: { maxMessages: 10, maxBytes: 1e6 } });
    const res = await t.app.inject({ url: `/v1/runs/${c.id}/messages`, headers: withCookie(cookie) });
    expect(res.statusCode).toBe(401);
  });
});
