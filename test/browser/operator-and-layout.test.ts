import nodemailer from "nodemailer";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { ensureWebUiBuilt } from "../support/web-ui.js";

const KEY = "operator-key-for-the-browser";

/** `rgb(r, g, b)` -> relative luminance in 0..1, enough to tell a dark page from a light one. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
  return (0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)) / 255;
}

const background = (page: Page) => page.evaluate<string>("getComputedStyle(document.body).backgroundColor");

// The operator's run list (behind SANDMAIL_API_KEY), dark mode, the phone layout and the settings panel.
describe.skipIf(chromiumMissing())("web inbox: run list, themes, small screens, settings", () => {
  let sb: TestSandbox;
  let chrome: TestBrowser;

  beforeAll(async () => {
    ensureWebUiBuilt();
    sb = await startTestSandbox({ SANDMAIL_API_KEY: KEY });
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await sb?.close();
  });

  const send = (to: string, subject: string) =>
    nodemailer
      .createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true })
      .sendMail({ from: "shop@shop.example", to, subject, text: `${subject} body` });

  it("lists every run with counts once the API key is entered, and opens one", async () => {
    const a = await sb.createRun({ label: "checkout flow" });
    const b = await sb.createRun({ label: "password reset" });
    await send(a.address("alice"), "for A");
    await send(a.address("alice"), "for A again");
    const page = await chrome.context.newPage();
    await page.goto(`${sb.apiUrl}/ui/`);
    // No key yet: nothing of any run is on the page.
    await page.getByLabel("API key (SANDMAIL_API_KEY) to list every run").waitFor();
    expect(await page.content()).not.toContain(a.id);

    await page.getByLabel("API key (SANDMAIL_API_KEY) to list every run").fill("wrong-key-0123456789");
    await page.getByRole("button", { name: "List runs" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.content()).not.toContain(b.id);

    await page.getByLabel("API key (SANDMAIL_API_KEY) to list every run").fill(KEY);
    await page.getByRole("button", { name: "List runs" }).click();
    const rowA = page.getByRole("row").filter({ hasText: a.id });
    await rowA.filter({ hasText: "checkout flow" }).waitFor();
    expect(await rowA.getByRole("cell").nth(2).textContent()).toBe("2");
    await page.getByRole("row").filter({ hasText: b.id }).filter({ hasText: "password reset" }).waitFor();
    // The key is not kept anywhere the page could leak it later.
    expect(
      await page.evaluate<string>("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"),
    ).not.toContain(KEY);

    await rowA.getByRole("button", { name: a.id }).click();
    await page
      .getByRole("listbox", { name: "Messages" })
      .getByRole("option")
      .filter({ hasText: "for A again" })
      .waitFor();
    expect(page.url()).toBe(`${sb.apiUrl}/ui/#/r/${a.id}`);
    await page.close();
  });

  it("follows the system's dark scheme, and the theme button overrides it", async () => {
    const run = await sb.createRun();
    const page = await chrome.context.newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    const link = `${sb.apiUrl}/ui/#run=${run.id}&token=${run.token}`;
    await page.goto(link);
    await page.getByRole("status").filter({ hasText: "live" }).waitFor();
    expect(luminance(await background(page))).toBeLessThan(0.2);

    await page.getByRole("button", { name: "Theme: auto" }).click(); // auto -> dark
    await page.getByRole("button", { name: "Theme: dark" }).click(); // dark -> light
    await page.getByRole("button", { name: "Theme: light" }).waitFor();
    expect(luminance(await background(page))).toBeGreaterThan(0.8);
    // The choice is the user's: it survives a reload.
    await page.reload();
    await page.getByRole("button", { name: "Theme: light" }).waitFor();
    expect(luminance(await background(page))).toBeGreaterThan(0.8);

    await page.emulateMedia({ colorScheme: "light" });
    await page.getByRole("button", { name: "Theme: light" }).click(); // light -> auto
    await page.getByRole("button", { name: "Theme: auto" }).waitFor();
    expect(luminance(await background(page))).toBeGreaterThan(0.8);
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(async () => luminance(await background(page))).toBeLessThan(0.2);
    await page.close();
  });

  it("on a phone shows the list, then the message alone, and goes back", async () => {
    const run = await sb.createRun();
    await send(run.address("bob"), "Phone sized");
    const page = await chrome.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${sb.apiUrl}/ui/#run=${run.id}&token=${run.token}`);
    const row = page
      .getByRole("listbox", { name: "Messages" })
      .getByRole("option")
      .filter({ hasText: "Phone sized" });
    await row.waitFor();
    const noSideways = () =>
      page.evaluate<boolean>("document.documentElement.scrollWidth <= document.documentElement.clientWidth");
    expect(await noSideways()).toBe(true);
    expect(await page.getByRole("region", { name: "Message", exact: true }).isVisible()).toBe(false);

    await row.click();
    await page.getByRole("heading", { name: "Phone sized" }).waitFor();
    expect(await page.getByRole("listbox", { name: "Messages" }).isVisible()).toBe(false);
    expect(await noSideways()).toBe(true);

    await page.getByRole("button", { name: "Back to the list" }).click();
    await row.waitFor();
    expect(await page.getByRole("heading", { name: "Phone sized" }).isVisible()).toBe(false);
    await page.close();
  });

  it("shows the run's SMTP and IMAP settings with copy buttons, matching the API", async () => {
    const run = await sb.createRun();
    await chrome.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sb.apiUrl });
    const settings = (await (await sb.api(run, `/v1/runs/${run.id}/settings`)).json()) as {
      smtp: { host: string; port: number; username: string; password: string };
      imap: { port: number };
    };
    const page = await chrome.context.newPage();
    await page.goto(`${sb.apiUrl}/ui/#run=${run.id}&token=${run.token}`);
    await page.getByRole("button", { name: "SMTP/IMAP settings" }).click();
    const dialog = page.getByRole("dialog", { name: "Connection settings" });
    await dialog.waitFor();
    // The dialog opens before its settings arrive from the API; read it once they have.
    await expect.poll(async () => (await dialog.textContent()) ?? "").toContain(String(settings.smtp.port));
    const text = (await dialog.textContent()) ?? "";
    expect(text).toContain(String(settings.imap.port));
    expect(text).toContain(settings.smtp.username);
    expect(text).toContain("Thunderbird");
    // The password is masked until asked for, and the copy button copies the real one.
    expect(text).not.toContain(run.token);
    await dialog
      .getByRole("button", { name: /^Copy .*password/i })
      .first()
      .click();
    await expect.poll(() => page.evaluate<string>("navigator.clipboard.readText()")).toBe(run.token);
    await dialog
      .getByRole("button", { name: /^Show .*password/i })
      .first()
      .click();
    expect(await dialog.textContent()).toContain(run.token);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await page.close();
  });
});
