import { MemoryStore } from "@sandmail/store";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, createRun, listen, makeApp, problemOf, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("problem+json errors", () => {
  it("an unknown route is 404 not_found", async () => {
    t = await makeApp();
    for (const [method, url] of [
      ["GET", "/nope"],
      ["GET", "/v1"],
      ["PUT", "/v1/runs"],
      ["GET", "/v1/runs/abc/unknown"],
    ] as const) {
      const res = await t.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      const problem = problemOf(res);
      expect(problem).toEqual({
        type: "urn:sandmail:problem:not_found",
        title: "Not found",
        status: 404,
        code: "not_found",
        detail: `no route ${method} ${url}`,
        instance: url,
      });
    }
  });

  it("a body that is not JSON is 400, a wrong content type 415, an oversized body 413", async () => {
    t = await makeApp();
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/runs",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).code).toBe("invalid_request");

    const text = await t.app.inject({
      method: "POST",
      url: "/v1/runs",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "ttl=5",
    });
    expect(text.statusCode).toBe(415);
    expect(problemOf(text).code).toBe("invalid_request");

    const huge = await t.app.inject({
      method: "POST",
      url: "/v1/runs",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ label: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(problemOf(huge).code).toBe("invalid_request");
  });

  it("validation problems list every bad field with where it was", async () => {
    t = await makeApp();
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/runs",
      payload: { ttlSeconds: -5, label: 7 },
    });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: "body", path: "ttlSeconds" }),
        expect.objectContaining({ in: "body", path: "label" }),
      ]),
    );
    expect(problem.detail).toContain("ttlSeconds");
    expect(problem.detail).toContain("label");
  });

  it("an unexpected failure is 500 internal and reveals nothing about it", async () => {
    class BrokenStore extends MemoryStore {
      override async listInboxes(): Promise<never> {
        throw new Error("secret internals at /srv/app/store.ts:12:34");
      }
    }
    const store = new BrokenStore();
    t = await makeApp({}, { store });
    const run = await createRun(t.app);
    const res = await t.app.inject({ url: `/v1/runs/${run.id}/inboxes`, headers: bearer(run.token) });
    expect(res.statusCode).toBe(500);
    const problem = problemOf(res);
    expect(problem.code).toBe("internal");
    expect(problem.detail).toBe("internal error");
    expect(res.body).not.toContain("secret internals");
    await store.close();
  });

  it("arrive over real HTTP with the problem+json media type", async () => {
    t = await makeApp();
    const base = await listen(t.app);
    const res = await fetch(`${base}/v1/runs/abcdef/messages`);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="sandmail"');
    const body = await res.json();
    expect(body).toMatchObject({ status: 401, code: "unauthorized", instance: "/v1/runs/abcdef/messages" });
  });
});
