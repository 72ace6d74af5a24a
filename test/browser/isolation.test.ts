import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { ensureWebUiBuilt } from "../support/web-ui.js";

interface CreatedRun {
  id: string;
  token: string;
  domain: string;
  uiUrl: string;
}

// One run's link, cookie or token never shows another run's mail in the browser.
describe.skipIf(chromiumMissing())("web inbox isolation between runs", () => {
  let sb: TestSandbox;
  let chrome: TestBrowser;
  let a: CreatedRun;
  let b: CreatedRun;

  beforeAll(async () => {
    ensureWebUiBuilt();
    sb = await startTestSandbox();
    chrome = await launchChromium();
    const create = async () =>
      (await (await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" })).json()) as CreatedRun;
    a = await create();
    b = await create();
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    await smtp.sendMail({
      from: "x@shop.example",
      to: `alice@${a.domain}`,
      subject: "secret of A",
      text: "a",
    });
    await smtp.sendMail({ from: "x@shop.example", to: `bob@${b.domain}`, subject: "secret of B", text: "b" });
  });
  afterAll(async () => {
    await chrome?.close();
    await sb?.close();
  });

  it("a session for run A opens A only: B's page, API, raw source and events stay shut", async () => {
    const page = await chrome.context.newPage();
    await page.goto(a.uiUrl);
    await page
      .getByRole("listbox", { name: "Messages" })
      .getByRole("option")
      .filter({ hasText: "secret of A" })
      .waitFor();

    // B by its route, without B's token: the connect page, nothing of B.
    await page.goto(`${sb.apiUrl}/ui/#/r/${b.id}`);
    await page.reload();
    await page.getByText(`No session for run ${b.id}`).waitFor();
    expect(await page.content()).not.toContain("secret of B");

    // From the page's own origin, with A's cookie in the jar: every B route answers 401.
    const statuses = await page.evaluate(
      `Promise.all(["", "/messages", "/messages/7", "/messages/7/raw", "/messages/7/html", "/settings", "/inboxes"]
        .map((p) => fetch("/v1/runs/${b.id}" + p).then((r) => r.status)))`,
    );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401]);
    const stream = await page.evaluate(
      `new Promise((resolve) => { const s = new EventSource("/v1/runs/${b.id}/events");
         s.onopen = () => { s.close(); resolve("open"); }; s.onerror = () => { s.close(); resolve("refused"); }; })`,
    );
    expect(stream).toBe("refused");

    // A's token pasted as B's: refused, and still nothing of B.
    await page.getByLabel("Token").fill(a.token);
    await page.getByRole("button", { name: "Open run" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.content()).not.toContain("secret of B");
    await page.close();
  });

  it("another browser with B's link sees B and never A", async () => {
    const other = await launchChromium();
    try {
      const page = await other.context.newPage();
      await page.goto(b.uiUrl);
      await page
        .getByRole("listbox", { name: "Messages" })
        .getByRole("option")
        .filter({ hasText: "secret of B" })
        .waitFor();
      expect(await page.content()).not.toContain("secret of A");
      const status = await page.evaluate(`fetch("/v1/runs/${a.id}/messages").then((r) => r.status)`);
      expect(status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
