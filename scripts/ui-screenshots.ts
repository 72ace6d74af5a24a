/**
 * Screenshots of the web inbox for the README (docs/web-inbox-*.png): a run with a few typical
 * messages, the list, and one message open on its HTML tab. `node --conditions=sandmail-source
 * --import tsx scripts/ui-screenshots.ts`; needs /usr/bin/chromium and a built UI.
 */
import nodemailer from "nodemailer";
import { launchChromium } from "../test/support/browser.js";
import { startTestSandbox } from "../test/support/sandbox.js";
import { ensureWebUiBuilt } from "../test/support/web-ui.js";

ensureWebUiBuilt();
const sb = await startTestSandbox();
const chrome = await launchChromium();
try {
  const run = (await (
    await fetch(`${sb.apiUrl}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ label: "checkout-flow #1234" }),
    })
  ).json()) as { id: string; domain: string; uiUrl: string };
  const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
  const mails = [
    ["alice", "Welcome to Shop, Alice!", "<h2>Welcome!</h2><p>Thanks for signing up.</p>"],
    ["bob", "Your order #10234 has shipped", "<p>Your parcel is on its way.</p>"],
    [
      "alice",
      "Reset your password",
      '<p>Click <a href="https://shop.example/reset?t=x1">here</a> to reset.</p>',
    ],
    ["carol", "Invoice 2026-0042", "<p>Your invoice is attached.</p>"],
  ] as const;
  for (const [to, subject, html] of mails) {
    await smtp.sendMail({ from: '"Shop" <no-reply@shop.example>', to: `${to}@${run.domain}`, subject, html });
  }
  await smtp.sendMail({
    from: '"Shop" <no-reply@shop.example>',
    to: `alice@${run.domain}`,
    subject: "Your sign-in code: 482913",
    text: "Your code is 482913. It expires in 10 minutes.\nOr confirm: https://shop.example/confirm?t=abc",
    html: `<div style="font-family:Helvetica,Arial,sans-serif;max-width:520px;margin:24px auto;padding:24px;border:1px solid #e3e3e3;border-radius:8px">
      <h1 style="color:#2458d6;margin-top:0">Shop</h1>
      <p>Hi Alice,</p><p>Your sign-in code is</p>
      <p style="font-size:32px;font-weight:bold;letter-spacing:6px">482913</p>
      <p>It expires in 10 minutes. Or <a href="https://shop.example/confirm?t=abc">confirm in one click</a>.</p>
      <img src="https://shop.example/pixel.gif" width="1" height="1" alt="">
      <p style="color:#888;font-size:12px">You get this mail because you signed up at shop.example.</p></div>`,
  });

  const page = await chrome.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(run.uiUrl);
  await page
    .getByRole("listbox", { name: "Messages" })
    .getByRole("option")
    .filter({ hasText: "sign-in code" })
    .waitFor();
  await page
    .getByRole("navigation")
    .getByRole("button", { name: /alice@/ })
    .click();
  await page.getByRole("listbox", { name: "Messages" }).getByRole("option").nth(2).waitFor();
  await page.screenshot({ path: "docs/web-inbox-list.png" });
  await page
    .getByRole("listbox", { name: "Messages" })
    .getByRole("option")
    .filter({ hasText: "sign-in code" })
    .click();
  await page.frameLocator('iframe[title="HTML preview"]').getByText("482913").waitFor();
  await page.screenshot({ path: "docs/web-inbox-message.png" });
  console.log("wrote docs/web-inbox-list.png and docs/web-inbox-message.png");
} finally {
  await chrome.close();
  await sb.close();
}
