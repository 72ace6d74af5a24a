import nodemailer from "nodemailer";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { ensureWebUiBuilt } from "../support/web-ui.js";

// Every trick a hostile message can play on a web mail reader; each sets a flag if it runs.
function hostileHtml(apiPath: string): string {
  return `<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">
<link rel="stylesheet" href="https://evil.example/style.css">
<style>@import url("https://evil.example/import.css"); .bg { background: url(https://evil.example/bg.png) }</style>
<script>window.pwned = "script"; try { parent.pwned = "script"; } catch (e) {}</script>
</head><body onload="window.pwned = 'onload'">
<h1 id="marker">Hostile</h1>
<div class="bg">remote CSS background</div>
<div style="background-image: url('https://evil.example/inline-bg.png')">inline style</div>
<img src="https://evil.example/pixel.gif" alt="tracking pixel">
<img src="x" onerror="window.pwned = 'onerror'; document.forms[0].submit()">
<a id="js" href="javascript:window.pwned = 'javascript-url'">click me</a>
<svg xmlns="http://www.w3.org/2000/svg"><script>window.pwned = "svg"</script><circle r="5" onload="window.pwned='svg-onload'"/></svg>
<form action="${apiPath}" method="post"><input name="x" value="1"><button id="submit">send</button></form>
<iframe src="https://evil.example/frame"></iframe>
<object data="https://evil.example/object.swf"></object>
</body></html>`;
}

describe.skipIf(chromiumMissing())("hostile mail in the web inbox", () => {
  let sb: TestSandbox;
  let chrome: TestBrowser;
  let page: Page;
  const foreign: string[] = [];
  const navigations: string[] = [];
  let apiHost: string;

  beforeAll(async () => {
    ensureWebUiBuilt();
    sb = await startTestSandbox();
    apiHost = new URL(sb.apiUrl).host;
    chrome = await launchChromium();
    // Every request of every page and frame: our own server's pass, anything else is recorded and stopped.
    await chrome.context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).host === apiHost) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page = await chrome.context.newPage();
  });
  afterAll(async () => {
    await chrome?.close();
    await sb?.close();
  });

  it("runs no script, loads nothing remote, submits nothing and navigates nowhere", async () => {
    const run = (await (await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      id: string;
      token: string;
      domain: string;
      uiUrl: string;
    };
    await page.goto(run.uiUrl);
    await page.getByRole("status").filter({ hasText: "live" }).waitFor();

    const hostileSubject = `<img src=x onerror="window.pwned='subject'"> Hostile & "quoted"`;
    const hostileName = `"><img src=x onerror="window.pwned='filename'">.txt`;
    await nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true }).sendMail({
      from: `"<script>window.pwned='from'</script>" <evil@evil.example>`,
      to: `victim@${run.domain}`,
      subject: hostileSubject,
      // The form posts to the API's own message route (a same-origin request the cookie would ride on).
      html: hostileHtml(`/v1/runs/${run.id}/messages/7`),
      text: "plain",
      headers: { "X-Evil": `<script>window.pwned='header'</script>` },
      attachments: [{ filename: hostileName, content: "x" }],
    });

    // Escaped everywhere: the list shows the subject as text.
    const row = page
      .getByRole("listbox", { name: "Messages" })
      .getByRole("option")
      .filter({ hasText: "Hostile &" });
    await row.waitFor({ timeout: 2000 });
    expect(await row.textContent()).toContain(hostileSubject);

    page.on("framenavigated", (frame: Frame) => navigations.push(frame.url()));
    await row.click();
    const preview = page.frameLocator('iframe[title="HTML preview"]');
    await preview.locator("#marker").waitFor();
    const frame = page.frames().find((f) => f.url().endsWith("/html"))!;
    expect(frame).toBeDefined();

    // The other tabs show the hostile strings as text.
    await page.getByRole("tab", { name: "Headers" }).click();
    await page.getByRole("cell", { name: "<script>window.pwned='header'</script>" }).waitFor();
    await page.getByRole("tab", { name: /Attachments/ }).click();
    await page.getByRole("link", { name: hostileName }).waitFor();
    await page.getByRole("tab", { name: "HTML" }).click();
    await preview.locator("#marker").waitFor();
    const html = page.frames().find((f) => f.url().endsWith("/html"))!;

    // A click on the javascript: link does nothing either.
    await preview.locator("#js").click();
    // An observation window, not a synchronization: the meta refresh (0 s), onload and onerror
    // have long fired once the frame has rendered; nothing is expected to happen in it.
    await page.waitForTimeout(500);

    expect(await page.evaluate("window.pwned")).toBeUndefined();
    expect(await html.evaluate("window.pwned")).toBeUndefined();
    expect(await html.evaluate("document.forms.length")).toBe(1);
    expect(foreign).toEqual([]);
    // Only the page's own route and the preview's loads; the mail's nested frame is refused by the
    // preview's CSP (chrome's error page stands in for it). No refresh, no javascript: URL.
    const ours = (url: string) => url.startsWith(`${sb.apiUrl}/`) || url === "chrome-error://chromewebdata/";
    expect(navigations.filter((url) => !ours(url))).toEqual([]);
    expect(page.url()).toMatch(new RegExp(`/ui/#/r/${run.id}/m/`));
    // The form never reached the API: the message list holds one message, untouched.
    const list = (await (await sb.api(run, `/v1/runs/${run.id}/messages`)).json()) as { messages: unknown[] };
    expect(list.messages).toHaveLength(1);

    // The control: asking for remote content does let the frame try the remote host (and still no script).
    await page.getByRole("button", { name: "Load remote content" }).click();
    await expect.poll(() => foreign.some((u) => u.startsWith("https://evil.example/pixel.gif"))).toBe(true);
    await preview.locator("#marker").waitFor();
    const remote = page.frames().find((f) => f.url().includes("/html?remote=true"))!;
    expect(await remote.evaluate("window.pwned")).toBeUndefined();
    expect(await page.evaluate("window.pwned")).toBeUndefined();
  });
});
