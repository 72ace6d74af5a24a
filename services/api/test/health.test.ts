import { createServer } from "node:net";
import { loadConfig } from "@sandmail/core";
import { RedisStore } from "@sandmail/store";
import { afterEach, describe, expect, inject, it } from "vitest";
import { buildApp } from "../src/index.js";
import { endpoints, makeApp, problemOf, type TestApp } from "./helpers.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("health", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("GET /healthz is 200 ok", async () => {
    t = await makeApp();
    const res = await t.app.inject({ url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz is 200 when the store answers", async () => {
    t = await makeApp();
    const res = await t.app.inject({ url: "/readyz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz is 200 over a live Redis store", async () => {
    const store = new RedisStore({ url: inject("redisUrl"), keyPrefix: `api-ready-${process.pid}:` });
    t = await makeApp({}, { store });
    try {
      const res = await t.app.inject({ url: "/readyz" });
      expect(res.statusCode).toBe(200);
    } finally {
      await t.close();
      t = undefined;
      await store.close();
    }
  });

  it("GET /readyz is 503 store_unavailable when Redis is unreachable, and /healthz stays 200", async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${await closedPort()}`, connectWaitMs: 200 });
    const app = await buildApp({ config: loadConfig({}), store, endpoints });
    try {
      const res = await app.inject({ url: "/readyz" });
      expect(res.statusCode).toBe(503);
      const problem = problemOf(res);
      expect(problem.code).toBe("store_unavailable");
      expect(problem.detail).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
      expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
    } finally {
      await app.close();
      store.close().catch(() => {});
    }
  });
});
