import { test as base, expect } from "@playwright/test";
import { type SandmailFixtures, sandmailFixtures } from "@sandmail/sdk/playwright";
import { createSignupService } from "../src/signup.js";

// Every test that asks for `run` gets a run of its own, deleted when the test ends.
const test = base.extend<SandmailFixtures>(sandmailFixtures);

test("sign-up mails a code that confirms the account", async ({ run }) => {
  const app = createSignupService({
    smtp: { host: run.smtp.host, port: run.smtp.port },
    baseUrl: "https://app.example.com",
  });
  const email = run.address("playwright");
  await app.signUp(email);
  const mail = await run.waitForMessage({ to: email, subject: "Confirm your" });
  expect(app.confirmWithCode(email, mail.code())).toBe(true);
  app.close();
});
