import { readFileSync } from "node:fs";
import { indexMessage } from "@sandmail/mime";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { ensureWebUiBuilt } from "../support/web-ui.js";

// The web inbox in Debian's chromium: a QA engineer's whole path through one message.
describe.skipIf(chromiumMissing())("web inbox in a real browser", () => {
  let sb: TestSandbox;
  let chrome: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    ensureWebUiBuilt();
    sb = await startTestSandbox();
    chrome = await launchChromium();
    await chrome.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sb.apiUrl });
    page = await chrome.context.newPage();
  });
  afterAll(async () => {
    await chrome?.close();
    await sb?.close();
  });

  const send = (to: string, subject: string, html: string, text: string) =>
    nodemailer
      .createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true })
      .sendMail({ from: '"Shop" <no-reply@shop.example>', to, subject, html, text });

  it("opens from the run's link, shows mail live, and every action reaches the store", async () => {
    const created = (await (await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      id: string;
      token: string;
      domain: string;
      uiUrl: string;
    };
    const run = { ...created };
    expect(run.uiUrl).toBe(`${sb.apiUrl}/ui/#run=${run.id}&token=${run.token}`);

    // The token travels in the fragment only: no request line carries it.
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(run.uiUrl);
    await page.getByRole("status").filter({ hasText: "live" }).waitFor();
    expect(page.url()).toBe(`${sb.apiUrl}/ui/#/r/${run.id}`);
    expect(requested.filter((u) => u.includes(run.token))).toEqual([]);

    // New mail appears without a reload, within a second of the SMTP 250.
    const alice = `alice@${run.domain}`;
    await send(
      alice,
      "Your sign-in code",
      '<h1 id="hello">Welcome, Alice</h1><p>Your code is <b>482913</b>. <a href="https://shop.example/confirm?t=abc">Confirm</a></p>',
      "Your code is 482913. Confirm: https://shop.example/confirm?t=abc",
    );
    const row = page
      .getByRole("listbox", { name: "Messages" })
      .getByRole("option")
      .filter({ hasText: "Your sign-in code" });
    await row.waitFor({ timeout: 1000 });
    expect(await row.getAttribute("class")).toContain("unread");
    const [summary] = (
      (await (await sb.api(run, `/v1/runs/${run.id}/messages`)).json()) as { messages: Array<{ id: string }> }
    ).messages;
    const id = summary!.id;

    // The inbox's unread badge counts it.
    const badge = page.getByRole("button", { name: `${alice}, 1 unread` }).locator(".count");
    await expect.poll(() => badge.textContent(), { timeout: 5000 }).toBe("1 unread");

    // Open it: the HTML preview renders in its frame.
    await row.click();
    const preview = page.frameLocator('iframe[title="HTML preview"]');
    await expect.poll(() => preview.locator("#hello").textContent()).toBe("Welcome, Alice");

    // Copy the code.
    await page.getByRole("tab", { name: "Links & codes" }).click();
    await page.getByRole("button", { name: "Copy code 482913" }).click();
    // A string, evaluated in the page: the test process has no DOM types.
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe("482913");
    await page.getByRole("button", { name: "Copy code 482913" }).filter({ hasText: "Copied" }).waitFor();

    // The Authentication tab: one row per check with the result the API reports, "n/a" for one
    // that did not run, and the unsigned message's DKIM row saying so.
    await page.getByRole("tab", { name: "Authentication" }).click();
    const { auth } = (await (await sb.api(run, `/v1/runs/${run.id}/messages/${id}`)).json()) as {
      auth: {
        spf?: { result: string };
        dkim: unknown[];
        dmarc?: { result: string };
        arc?: { result: string };
      };
    };
    expect(auth.dkim).toEqual([]);
    const checks = page.locator("table.auth tbody tr");
    await expect.poll(() => checks.locator("th").allTextContents()).toEqual(["SPF", "DKIM", "DMARC", "ARC"]);
    expect(await checks.locator("td:nth-child(2)").allTextContents()).toEqual([
      auth.spf?.result ?? "n/a",
      "none",
      auth.dmarc?.result ?? "n/a",
      auth.arc?.result ?? "n/a",
    ]);
    expect(await checks.nth(1).locator("td:nth-child(3)").textContent()).toBe("no signature");

    // Mark read: the store (and so the API and IMAP) has \Seen.
    await page.getByRole("button", { name: "Mark read" }).click();
    await page.getByRole("button", { name: "Mark unread" }).waitFor();
    const detail = async () =>
      (await (await sb.api(run, `/v1/runs/${run.id}/messages/${id}`)).json()) as {
        seen: boolean;
        flagged: boolean;
      };
    expect((await detail()).seen).toBe(true);
    expect(await row.getAttribute("class")).not.toContain("unread");

    // Flag it over IMAP: the list shows the flag without a reload.
    const imap = new ImapFlow({
      host: "127.0.0.1",
      port: sb.ports.imap ?? 0,
      secure: false,
      doSTARTTLS: false,
      auth: { user: alice, pass: run.token },
      logger: false,
    });
    await imap.connect();
    try {
      await imap.mailboxOpen("INBOX");
      await imap.messageFlagsAdd("1:*", ["\\Flagged"]);
    } finally {
      await imap.logout();
    }
    await row.getByRole("img", { name: "flagged" }).waitFor();
    await page.getByRole("button", { name: "Unflag" }).waitFor();

    // Download the raw source: the same bytes as GET .../raw.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download .eml" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${id}.eml`);
    const saved = readFileSync((await download.path())!);
    const raw = Buffer.from(await (await sb.api(run, `/v1/runs/${run.id}/messages/${id}/raw`)).arrayBuffer());
    expect(saved.equals(raw)).toBe(true);

    // Raw source, attachments and the HTML view open in a tab of their own with the cookie.
    const tab = await chrome.context.newPage();
    const res = await tab.goto(`${sb.apiUrl}/v1/runs/${run.id}/messages/${id}/html`);
    expect(res?.status()).toBe(200);
    await tab.close();

    // Delete: gone from the list and from the store.
    await page.getByRole("button", { name: "Delete" }).click();
    await row.waitFor({ state: "detached" });
    expect((await sb.api(run, `/v1/runs/${run.id}/messages/${id}`)).status).toBe(404);
  });

  it("moves with j/k, deletes with the Delete key, and shows IMAP and API changes from elsewhere", async () => {
    const created = (await (await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      id: string;
      token: string;
      domain: string;
      uiUrl: string;
    };
    await page.goto(created.uiUrl);
    await page.getByRole("status").filter({ hasText: "live" }).waitFor();
    for (const n of [1, 2, 3]) await send(`bob@${created.domain}`, `Message ${n}`, `<p>${n}</p>`, `${n}`);
    const rows = page.getByRole("listbox", { name: "Messages" }).getByRole("option");
    await expect.poll(() => rows.count()).toBe(3);
    await page.locator("body").press("j");
    await page.getByRole("heading", { name: "Message 3" }).waitFor();
    await page.locator("body").press("j");
    await page.getByRole("heading", { name: "Message 2" }).waitFor();
    await page.locator("body").press("k");
    await page.getByRole("heading", { name: "Message 3" }).waitFor();
    await page.locator("body").press("Delete");
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole("heading", { name: "Message 2" }).waitFor();

    // A change made through the API by someone else (a test suite) shows at once.
    const list = (await (await sb.api(created, `/v1/runs/${created.id}/messages`)).json()) as {
      messages: Array<{ id: string; subject: string }>;
    };
    const first = list.messages.find((m) => m.subject === "Message 1")!;
    await sb.api(created, `/v1/runs/${created.id}/messages/${first.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mailbox: "Archive" }),
    });
    await rows.filter({ hasText: "Message 1" }).filter({ hasText: "Archive" }).waitFor();
    const inbox = page.getByRole("navigation").getByRole("button", { name: /bob@/ });
    await inbox.click();
    await page
      .getByRole("navigation")
      .getByRole("button", { name: /^Archive/ })
      .click();
    await expect.poll(() => rows.count()).toBe(1);
  });

  it("draws only the rows in view of a 10,000-message run, and scrolls to the oldest", async () => {
    const created = (await (await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      id: string;
      uiUrl: string;
      domain: string;
    };
    for (let n = 0; n < 10_000; n++) {
      const raw = Buffer.from(
        `From: load@shop.example\r\nTo: load@${created.domain}\r\nSubject: Load ${n}\r\n\r\nbody ${n}\r\n`,
      );
      await sb.store.appendMessage(created.id, {
        address: `load@${created.domain}`,
        raw,
        meta: indexMessage(raw),
      });
    }
    await page.goto(created.uiUrl);
    await page.getByText("10000 messages", { exact: true }).waitFor({ timeout: 20_000 });
    const rows = page.getByRole("listbox", { name: "Messages" }).getByRole("option");
    expect(await rows.count()).toBeLessThan(60);
    await rows.filter({ hasText: "Load 9999" }).waitFor();
    await page
      .getByRole("listbox", { name: "Messages" })
      .evaluate((el: { scrollTop: number; scrollHeight: number }) => {
        el.scrollTop = el.scrollHeight;
      });
    await rows.filter({ has: page.getByText("Load 0", { exact: true }) }).waitFor();
    expect(await rows.count()).toBeLessThan(60);
  }, 60_000);
});
