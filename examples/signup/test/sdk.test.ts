import { sandmailFixtures } from "@sandmail/sdk/vitest";
import { afterAll, test as base, beforeAll, expect } from "vitest";
import { createSignupService } from "../src/signup.js";
import { startServer } from "./support/server.js";

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

// Each test that asks for `run` gets its own isolated run, deleted afterwards.
const test = base.extend(sandmailFixtures());

test("the code in the sign-up mail confirms the account", async ({ run }) => {
  const app = createSignupService({
    smtp: { host: run.smtp.host, port: run.smtp.port },
    baseUrl: "https://app.example.com",
  });
  const email = run.address("alice");
  await app.signUp(email);

  const mail = await run.waitForMessage({ to: email, subject: "Confirm your" });
  expect(app.confirmWithCode(email, mail.code())).toBe(true);
  expect(app.isConfirmed(email)).toBe(true);
  app.close();
});

test("the magic link confirms the account, and nothing else is sent", async ({ run }) => {
  // SMTP AUTH as the run: the app may mail any address, it all lands in this run.
  const app = createSignupService({
    smtp: { host: run.smtp.host, port: run.smtp.port, user: run.smtp.username, pass: run.smtp.password },
    baseUrl: "https://app.example.com",
  });
  await app.signUp("bob@customer.example");

  const mail = await run.waitForMessage({ to: "bob@customer.example" });
  expect(app.confirmWithLink(mail.link(/\/confirm\?token=/))).toBe("bob@customer.example");
  const report = await mail.assert([
    { type: "header", name: "Subject", contains: "Confirm" },
    { type: "code" },
  ]);
  expect(report.pass).toBe(true);
  await run.expectNoMessage({ to: "bob@customer.example" }, 300);
  app.close();
});
