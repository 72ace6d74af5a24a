import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRun, makeApp, problemOf, type TestApp } from "./helpers.js";

// A stand-in for services/web/dist: what Vite writes (index.html and hashed assets).
function fakeDist(): string {
  const root = mkdtempSync(join(tmpdir(), "sandmail-ui-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(
    join(root, "index.html"),
    '<!doctype html><script type="module" src="/ui/assets/app-abc123.js"></script>',
  );
  writeFileSync(join(root, "assets", "app-abc123.js"), "console.log('ui')");
  return root;
}

describe("web UI serving", () => {
  let t: TestApp;
  let root: string;

  beforeAll(async () => {
    root = fakeDist();
    t = await makeApp({}, { ui: { root } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("redirects / to /ui/", async () => {
    const res = await t.app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/ui/");
  });

  it("serves index.html uncached, with a strict CSP and the other security headers", async () => {
    const res = await t.app.inject({ method: "GET", url: "/ui/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("app-abc123.js");
    expect(res.headers["cache-control"]).toBe("no-cache");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("caches hashed assets for a year", async () => {
    const res = await t.app.inject({ method: "GET", url: "/ui/assets/app-abc123.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("answers a missing file with 404 and never serves outside the UI directory", async () => {
    expect((await t.app.inject({ method: "GET", url: "/ui/assets/nope.js" })).statusCode).toBe(404);
    const outside = await t.app.inject({ method: "GET", url: "/ui/..%2f..%2fetc%2fpasswd" });
    expect(outside.statusCode).toBeGreaterThanOrEqual(400);
    expect(outside.body).not.toContain("root:");
  });

  it("hands out the UI link with a new run: token in the fragment", async () => {
    const res = await t.app.inject({ method: "POST", url: "/v1/runs", headers: { host: "mail.local:8025" } });
    const run = res.json() as { id: string; token: string; uiUrl: string };
    expect(run.uiUrl).toBe(`http://mail.local:8025/ui/#run=${run.id}&token=${run.token}`);
    expect(new URL(run.uiUrl).search).toBe("");
  });
});

describe("web UI not built", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({}, { ui: { root: join(tmpdir(), "sandmail-no-such-ui-dir") } });
  });
  afterAll(() => t.close());

  it("says so as a problem instead of a bare 404, and hands out no UI link", async () => {
    expect(await createRun(t.app)).not.toHaveProperty("uiUrl");
    for (const url of ["/ui/", "/ui", "/ui/assets/x.js"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(404);
      expect(problemOf(res).detail).toMatch(/web UI is not built/);
    }
  });
});

describe("no UI configured", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp();
  });
  afterAll(() => t.close());

  it("gives no uiUrl with a new run, and /ui/ explains", async () => {
    const run = (await createRun(t.app)) as unknown as Record<string, unknown>;
    expect(run).not.toHaveProperty("uiUrl");
    const res = await t.app.inject({ method: "GET", url: "/ui/" });
    expect(problemOf(res).detail).toMatch(/not built/);
  });
});
