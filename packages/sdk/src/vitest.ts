/**
 * vitest helpers: `test.extend(sandmailFixtures())` gives each test that asks for `run` its own
 * run, deleted after the test (pass or fail). useSandmailRun is the beforeEach/afterEach form.
 */
import type { Sandmail } from "./client.js";
import { clientFrom, type FixtureOptions, withRun } from "./fixture-run.js";
import type { CreatedRun } from "./run.js";

export type { FixtureOptions, OptionsSource } from "./fixture-run.js";
export { type EachHooks, type RunHandle, useSandmailRun } from "./hooks.js";

export interface SandmailFixtures {
  sandmail: Sandmail;
  run: CreatedRun;
}

type Use<T> = (value: T) => Promise<void>;

/**
 *   import { test as base } from "vitest";
 *   import { sandmailFixtures } from "@sandmail/sdk/vitest";
 *   const test = base.extend(sandmailFixtures());
 *   test("sign-up", async ({ run }) => { ... });
 */
export function sandmailFixtures(options: FixtureOptions = {}) {
  return {
    // vitest reads a fixture's dependencies from its first parameter, which must be a destructuring pattern.
    // biome-ignore lint/correctness/noEmptyPattern: see above; this fixture depends on nothing.
    sandmail: async ({}: object, use: Use<Sandmail>): Promise<void> => {
      await use(clientFrom(options.client));
    },
    run: async (
      { sandmail, task }: { sandmail: Sandmail; task?: { name?: string } },
      use: Use<CreatedRun>,
    ) => {
      const label = task?.name ? { label: task.name.slice(0, 200) } : {};
      await withRun(sandmail, { ...label, ...options.run }, use);
    },
  };
}
