/**
 * Playwright Test fixtures, without depending on @playwright/test:
 *
 *   import { test as base } from "@playwright/test";
 *   import { sandmailFixtures, type SandmailFixtures } from "@sandmail/sdk/playwright";
 *   export const test = base.extend<SandmailFixtures>(sandmailFixtures);
 *   test("sign-up", async ({ page, run }) => { ... });
 *
 * Configure the client with `test.use({ sandmailOptions: { url } })` or SANDMAIL_URL.
 */
import type { Sandmail, SandmailOptions } from "./client.js";
import { clientFrom, withRun } from "./fixture-run.js";
import type { CreatedRun } from "./run.js";

export interface SandmailFixtures {
  /** Client options; an option fixture, set with `test.use({ sandmailOptions })`. */
  sandmailOptions: SandmailOptions;
  sandmail: Sandmail;
  /** A run of this test's own, deleted when the test ends. */
  run: CreatedRun;
}

type Use<T> = (value: T) => Promise<void>;

/** The fixture definitions for `base.extend(...)`. */
export const sandmailFixtures = {
  sandmailOptions: [{} as SandmailOptions, { option: true }] as [SandmailOptions, { option: true }],
  // Playwright reads a fixture's dependencies from its first parameter, a destructuring pattern.
  sandmail: async ({ sandmailOptions }: { sandmailOptions: SandmailOptions }, use: Use<Sandmail>) => {
    await use(clientFrom(sandmailOptions));
  },
  run: async ({ sandmail }: { sandmail: Sandmail }, use: Use<CreatedRun>, testInfo?: { title?: string }) => {
    const label = testInfo?.title ? { label: testInfo.title.slice(0, 200) } : {};
    await withRun(sandmail, label, use);
  },
};
