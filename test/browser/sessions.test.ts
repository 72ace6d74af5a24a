import net from "node:net";
import nodemailer from "nodemailer";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { ensureWebUiBuilt } from "../support/web-ui.js";

/** An SMTP session by hand, its EHLO name markup that must stay text. */
async function hostileSession(port: number, to: string): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  const closed = new Promise((resolve) => socket.once("close", resolve));
  let seen = "";
  const until = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (re.test(seen)) {
          socket.off("data", onData);
          seen = "";
          resolve();
        }
      };
      const onData = (d: Buffer) => {
        seen += d.toString();
        check();
      };
      socket.on("data", onData);
      socket.once("error", reject);
      check();
    });
  await until(/^220 /m);
  for (const [line, reply] of [
    // Refused or not, the line is in the transcript; a proper EHLO follows.
    ['EHLO <img src=x onerror="window.__pwned=1">', /^\d{3} /m],
    ["EHLO app.example", /^250 /m],
    ["MAIL FROM:<shop@shop.example>", /^250 /m],
    [`RCPT TO:<${to}>`, /^250 /m],
    ["QUIT", /^221 /m],
  ] as const) {
    socket.write(`${line}\r\n`);
    await until(reply);
  }
  socket.end();
  await closed;
}

// The run's protocol sessions as a QA engineer reads them in the web inbox.
describe.skipIf(chromiumMissing())("protocol sessions in the web inbox", () => {
  let sb: TestSandbox;
  let chrome: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    ensureWebUiBuilt();
    sb = await startTestSandbox();
    chrome = await launchChromium();
    page = await chrome.context.newPage();
  });
  afterAll(async () => {
    await chrome?.close();
    await sb?.close();
  });

  it("lists the run's sessions and shows a transcript, redacted and escaped", {
    timeout: 90_000,
  }, async () => {
    const run = (await (await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      id: string;
      token: string;
      domain: string;
      uiUrl: string;
    };
    await page.goto(run.uiUrl);
    await page.getByRole("status").filter({ hasText: "live" }).waitFor();
    const smtp = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      ignoreTLS: true,
      auth: { user: run.id, pass: run.token },
    });
    await smtp.sendMail({ from: "shop@shop.example", to: `qa@${run.domain}`, subject: "Hi", text: "hello" });
    smtp.close();
    await hostileSession(sb.ports.smtp ?? 0, `qa@${run.domain}`);

    await page.getByRole("link", { name: "Sessions" }).click();
    const sessions = page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
    // Kept once the server has seen them end: Refresh until both are there.
    for (let i = 0; (await sessions.count()) < 2; i++) {
      expect(i, "both sessions listed").toBeLessThan(100);
      await page.getByRole("button", { name: "Refresh" }).click();
      await page.waitForLoadState("networkidle");
    }
    await sessions.filter({ hasText: run.id }).getByRole("link").click();
    const transcript = page.getByRole("region", { name: "Transcript" });
    await transcript.getByText("AUTH PLAIN [redacted]").waitFor();
    await transcript.getByText(/^\[message body: \d+ bytes\]$/).waitFor();
    expect(await page.content()).not.toContain(run.token);

    await sessions.filter({ hasText: "(no login)" }).getByRole("link").click();
    await transcript.getByText('EHLO <img src=x onerror="window.__pwned=1">').waitFor();
    expect(await transcript.locator("img").count()).toBe(0);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(page.url()).toMatch(new RegExp(`#/r/${run.id}/sessions/[A-Za-z0-9_-]+$`));

    await page.getByRole("link", { name: "Back to mail" }).click();
    await page.getByRole("option").filter({ hasText: "Hi" }).waitFor();
  });
});
