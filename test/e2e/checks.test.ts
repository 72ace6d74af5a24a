import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { startRspamd, startSpamd, type TestSpamEngine } from "../support/spam-engines.js";

const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
const template = (name: string) =>
  readFileSync(new URL(`../../packages/checks/test/fixtures/${name}`, import.meta.url), "utf8");

async function send(sb: TestSandbox, run: TestRun, mail: SendMailOptions): Promise<string> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: sb.ports.smtp,
    secure: false,
    ignoreTLS: true,
  });
  const to = run.address(`c${Math.random().toString(36).slice(2, 8)}`);
  await transport.sendMail({ from: "App <app@shop.example>", to, ...mail });
  transport.close();
  const res = await sb.api(
    run,
    `/v1/runs/${run.id}/messages/wait?to=${encodeURIComponent(to)}&timeout=10000`,
  );
  expect(res.status).toBe(200);
  const { messages } = (await res.json()) as { messages: Array<{ id: string }> };
  return (messages[0] as { id: string }).id;
}

describe("HTML compatibility check over HTTP", () => {
  let sb: TestSandbox;
  let run: TestRun;
  beforeAll(async () => {
    sb = await startTestSandbox();
    run = await sb.createRun();
  });
  afterAll(() => sb.close());

  it("reports flexbox and grid for Outlook and Gmail, with a client filter", async () => {
    const id = await send(sb, run, { subject: "layout", html: template("flex-grid-style.html") });
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/checks/html?clients=gmail,outlook`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      score: number;
      clients: string[];
      warnings: Array<{
        feature: string;
        support: Record<string, string>;
        count: number;
        url: string | null;
      }>;
    };
    expect(body.clients).toContain("outlook.windows");
    expect(body.clients).not.toContain("apple-mail.macos");
    const flex = body.warnings.find((w) => w.feature === "css-display-flex");
    expect(flex?.support["outlook.windows"]).toBe("no");
    expect(flex?.url).toMatch(/^https:\/\/www\.caniemail\.com\/features\//);
    expect(
      body.warnings.find((w) => w.feature === "css-display-grid")?.support["gmail.desktop-webmail"],
    ).toBe("no");
    expect(body.warnings.find((w) => w.feature === "sandmail-img-missing-alt")?.count).toBe(1);
    expect(body.score).toBeGreaterThanOrEqual(0);
    expect(body.score).toBeLessThan(100);
  });

  it("asserts on the HTML check with the actual warnings", async () => {
    const id = await send(sb, run, { subject: "assert", html: template("flex-grid-style.html") });
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/assert`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        assertions: [
          { type: "html", clients: ["outlook"], maxWarnings: 0 },
          { type: "html", clients: ["apple-mail.macos"], maxWarnings: 50 },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      pass: boolean;
      results: Array<{ pass: boolean; actual: { features: string[]; warnings: number }; message: string }>;
    };
    expect(body.pass).toBe(false);
    expect(body.results[0]?.pass).toBe(false);
    expect(body.results[0]?.actual.features).toContain("css-display-flex");
    expect(body.results[0]?.message).toMatch(/expected at most 0 HTML warning/);
    expect(body.results[1]?.pass).toBe(true);
  });

  it("answers 400 naming an unknown client, 404 for another run's message", async () => {
    const id = await send(sb, run, { subject: "plain", text: "hello", html: "<p>hello</p>" });
    const bad = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/checks/html?clients=gmail,hotmail`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(((await bad.json()) as { detail: string }).detail).toContain('"hotmail"');
    const other = await sb.createRun();
    const foreign = await sb.api(other, `/v1/runs/${run.id}/messages/${id}/checks/html`);
    expect(foreign.status).toBe(401);
    const missing = await sb.api(other, `/v1/runs/${other.id}/messages/${id}/checks/html`);
    expect(missing.status).toBe(404);
  });
});

describe("link health check over HTTP", () => {
  let sb: TestSandbox;
  let run: TestRun;
  let site: Server;
  let base: string;
  const heads: string[] = [];

  beforeAll(async () => {
    site = createServer((req, res) => {
      const path = req.url ?? "/";
      if (req.method === "HEAD") heads.push(path);
      const redirect = (to: string, status = 301) => {
        res.writeHead(status, { location: to });
        res.end();
      };
      if (path === "/ok" || path === "/logo.png") return res.end("fine");
      if (path === "/chain/1") return redirect("/chain/2");
      if (path === "/chain/2") return redirect(`${base}/chain/3`, 302);
      if (path === "/chain/3") return redirect("/ok", 307);
      if (path === "/loop/a") return redirect("/loop/b");
      if (path === "/loop/b") return redirect("/loop/a");
      if (path === "/error") {
        res.writeHead(500);
        return res.end("boom");
      }
      if (path === "/no-head") {
        res.writeHead(req.method === "HEAD" ? 405 : 200);
        return res.end();
      }
      if (path === "/slow") return void setTimeout(() => res.end("late"), 3_000);
      res.writeHead(404);
      res.end("missing");
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    sb = await startTestSandbox({ SANDMAIL_LINK_CHECK_TIMEOUT_MS: "800" });
    run = await sb.createRun();
  });
  afterAll(async () => {
    await sb.close();
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  });

  it("reports 200, redirect chains, 404, 500, a timeout, a loop and a refused metadata address", async () => {
    const links = ["/ok", "/chain/1", "/missing", "/error", "/slow", "/loop/a", "/no-head"].map(
      (p) => `${base}${p}`,
    );
    const html =
      links.map((url, i) => `<a href="${url}">link ${i}</a>`).join(" ") +
      ' <a href="http://169.254.169.254/latest/meta-data/">meta</a> <a href="mailto:x@y.example">mail</a>' +
      ` <img src="${base}/logo.png" alt="logo">`;
    const id = await send(sb, run, { subject: "links", html, text: "see the HTML" });
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/checks/links`, { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ok: boolean;
      links: Array<{
        url: string;
        status: number | null;
        finalUrl: string | null;
        redirects: Array<{ url: string; status: number }>;
        error: string | null;
        durationMs: number;
      }>;
    };
    const by = (path: string) => body.links.find((l) => l.url.endsWith(path));
    expect(body.ok).toBe(false);
    expect(body.links.some((l) => l.url.startsWith("mailto:"))).toBe(false);
    expect(body.links.some((l) => l.url.endsWith("/logo.png"))).toBe(false);
    expect(by("/ok")).toMatchObject({ status: 200, finalUrl: `${base}/ok`, redirects: [], error: null });
    expect(by("/chain/1")).toMatchObject({
      status: 200,
      finalUrl: `${base}/ok`,
      redirects: [
        { url: `${base}/chain/1`, status: 301 },
        { url: `${base}/chain/2`, status: 302 },
        { url: `${base}/chain/3`, status: 307 },
      ],
      error: null,
    });
    expect(by("/missing")).toMatchObject({ status: 404, error: null });
    expect(by("/error")).toMatchObject({ status: 500, error: null });
    expect(by("/no-head")).toMatchObject({ status: 200, error: null });
    expect(by("/slow")?.status).toBeNull();
    expect(by("/slow")?.error).toMatch(/timed out after 800 ms/);
    expect(by("/loop/a")?.error).toBe("redirect loop");
    const meta = by("/latest/meta-data/");
    expect(meta?.status).toBeNull();
    expect(meta?.error).toMatch(/link-local/);
    expect(heads).toContain("/ok"); // HEAD first

    const withImages = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/checks/links?images=true`, {
      method: "POST",
    });
    const images = (await withImages.json()) as { links: Array<{ url: string; status: number }> };
    expect(images.links.find((l) => l.url.endsWith("/logo.png"))?.status).toBe(200);
  });

  it("is ok when every link answers; the links assertion names the broken ones", async () => {
    const good = await send(sb, run, { subject: "good", html: `<a href="${base}/ok">ok</a>`, text: "x" });
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/${good}/checks/links`, { method: "POST" });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);

    const bad = await send(sb, run, {
      subject: "bad",
      html: `<a href="${base}/ok">ok</a> <a href="${base}/gone">gone</a>`,
      text: "x",
    });
    const assert = (id: string) =>
      sb.api(run, `/v1/runs/${run.id}/messages/${id}/assert`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ assertions: [{ type: "links", allOk: true }] }),
      });
    const passed = (await (await assert(good)).json()) as { pass: boolean };
    expect(passed.pass).toBe(true);
    const failed = (await (await assert(bad)).json()) as {
      pass: boolean;
      results: Array<{ actual: { checked: number; broken: Array<{ url: string; status: number }> } }>;
    };
    expect(failed.pass).toBe(false);
    expect(failed.results[0]?.actual).toEqual({
      checked: 2,
      broken: [{ url: `${base}/gone`, status: 404, error: null }],
    });
  });

  it("honours SANDMAIL_LINK_CHECK_ALLOW", async () => {
    const strict = await startTestSandbox({ SANDMAIL_LINK_CHECK_ALLOW: "*.shop.example,!127.0.0.0/8" });
    try {
      const r = await strict.createRun();
      const id = await send(strict, r, { subject: "deny", html: `<a href="${base}/ok">ok</a>`, text: "x" });
      const res = await strict.api(r, `/v1/runs/${r.id}/messages/${id}/checks/links`, { method: "POST" });
      const body = (await res.json()) as { links: Array<{ status: number | null; error: string }> };
      expect(body.links[0]?.status).toBeNull();
      expect(body.links[0]?.error).toMatch(/SANDMAIL_LINK_CHECK_ALLOW/);
    } finally {
      await strict.close();
    }
  });
});

describe("spam score from a real engine", () => {
  it("answers 501 saying how to enable it when no engine is configured", async () => {
    const sb = await startTestSandbox();
    try {
      const run = await sb.createRun();
      const id = await send(sb, run, { subject: "hi", text: "hello" });
      const res = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/checks/spam`);
      expect(res.status).toBe(501);
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe("check_not_configured");
      expect(problem.detail).toContain("SANDMAIL_SPAMD");
    } finally {
      await sb.close();
    }
  });

  for (const [name, start, variable] of [
    ["SpamAssassin (spamd)", startSpamd, "SANDMAIL_SPAMD"],
    ["rspamd", startRspamd, "SANDMAIL_RSPAMD_URL"],
  ] as const) {
    describe(name, () => {
      let engine: TestSpamEngine;
      let sb: TestSandbox;
      let run: TestRun;
      beforeAll(async () => {
        engine = await start();
        sb = await startTestSandbox({ [variable]: engine.address });
        run = await sb.createRun();
      }, 120_000);
      afterAll(async () => {
        await sb?.close();
        await engine?.stop();
      });

      it("scores GTUBE as spam and a plain message as not", async () => {
        const spamId = await send(sb, run, { subject: "cheap", text: `Buy now\r\n${GTUBE}\r\n` });
        const spam = await sb.api(run, `/v1/runs/${run.id}/messages/${spamId}/checks/spam`);
        expect(spam.status).toBe(200);
        const verdict = (await spam.json()) as {
          engine: string;
          isSpam: boolean;
          score: number;
          threshold: number;
          rules: Array<{ name: string }>;
        };
        expect(verdict.isSpam).toBe(true);
        expect(verdict.rules.map((r) => r.name)).toContain("GTUBE");
        expect(verdict.threshold).toBeGreaterThan(0);

        const hamId = await send(sb, run, {
          subject: "Your order has shipped",
          text: "Hello Alice,\r\n\r\nyour order 10482 left our warehouse today.\r\n\r\nThe shop team\r\n",
        });
        const ham = await sb.api(run, `/v1/runs/${run.id}/messages/${hamId}/checks/spam`);
        const clean = (await ham.json()) as { isSpam: boolean; score: number; threshold: number };
        expect(clean.isSpam).toBe(false);
        expect(clean.score).toBeLessThan(clean.threshold);

        const assert = await sb.api(run, `/v1/runs/${run.id}/messages/${spamId}/assert`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ assertions: [{ type: "spam", maxScore: 5 }] }),
        });
        const verdictOfAssert = (await assert.json()) as {
          pass: boolean;
          results: Array<{ actual: { score: number; rules: string[] } }>;
        };
        expect(verdictOfAssert.pass).toBe(false);
        expect(verdictOfAssert.results[0]?.actual.rules).toContain("GTUBE");
        expect(verdictOfAssert.results[0]?.actual.score).toBe(verdict.score);
      });
    });
  }
});
