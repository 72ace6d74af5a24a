import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { ensureWebUiBuilt } from "../support/web-ui.js";

// The message checks as a QA engineer sees them: the Checks tab of a message in the web inbox.
describe.skipIf(chromiumMissing())("message checks in the web inbox", () => {
  let sb: TestSandbox;
  let chrome: TestBrowser;
  let page: Page;
  let site: Server;
  let base: string;

  beforeAll(async () => {
    ensureWebUiBuilt();
    site = createServer((req, res) => {
      res.writeHead(req.url === "/ok" ? 200 : 404);
      res.end();
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    sb = await startTestSandbox();
    chrome = await launchChromium();
    page = await chrome.context.newPage();
  });
  afterAll(async () => {
    await chrome?.close();
    await sb?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  it("shows HTML warnings on opening, and link and spam checks on request", { timeout: 90_000 }, async () => {
    const run = (await (await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      domain: string;
      uiUrl: string;
    };
    await page.goto(run.uiUrl);
    await page.getByRole("status").filter({ hasText: "live" }).waitFor();
    await nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true }).sendMail({
      from: "shop@shop.example",
      to: `qa@${run.domain}`,
      subject: "Flex newsletter",
      text: "see HTML",
      html: `<div style="display:flex"><a href="${base}/ok">fine</a> <a href="${base}/gone">gone</a></div>`,
    });
    await page.getByRole("option").filter({ hasText: "Flex newsletter" }).click();
    await page.getByRole("tab", { name: "Checks" }).click();

    const flex = page.getByRole("row").filter({ hasText: "display:flex" });
    await flex.waitFor();
    expect(await flex.textContent()).toContain("outlook.windows no");
    expect(await flex.getByRole("link", { name: "display:flex" }).getAttribute("href")).toBe(
      "https://www.caniemail.com/features/css-display-flex/",
    );

    await page.getByRole("button", { name: "Check links" }).click();
    const gone = page.getByRole("row").filter({ hasText: `${base}/gone` });
    await gone.waitFor();
    expect(await gone.textContent()).toContain("404");
    expect(
      await page
        .getByRole("row")
        .filter({ hasText: `${base}/ok` })
        .textContent(),
    ).toContain("200");

    await page.getByRole("button", { name: "Check spam score" }).click();
    await page.getByText(/no spam engine is configured: set SANDMAIL_SPAMD/).waitFor();
    if (process.env.SANDMAIL_SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SANDMAIL_SCREENSHOT_DIR}/checks.png`, fullPage: true });
    }
  });
});
