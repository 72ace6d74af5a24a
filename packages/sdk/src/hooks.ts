import type { Sandmail } from "./client.js";
import { SandmailError } from "./errors.js";
import { clientFrom, type FixtureOptions } from "./fixture-run.js";
import type { CreatedRun } from "./run.js";

/** The hook registrars of jest, vitest, mocha or node:test, passed in so no global is assumed. */
export interface EachHooks {
  beforeEach(fn: () => Promise<void>): unknown;
  afterEach(fn: () => Promise<void>): unknown;
}

export interface RunHandle {
  /** The current test's run; read it inside a test, not at module level. */
  readonly run: CreatedRun;
  readonly sandmail: Sandmail;
}

/**
 * Gives each test its own run with beforeEach / afterEach (for jest, which has no `test.extend`):
 *
 *   const mail = useSandmailRun({ beforeEach, afterEach });
 *   test("sign-up", async () => { const to = mail.run.address("alice"); ... });
 */
export function useSandmailRun(hooks: EachHooks, options: FixtureOptions = {}): RunHandle {
  let sandmail: Sandmail | undefined;
  let current: CreatedRun | undefined;
  hooks.beforeEach(async () => {
    sandmail ??= clientFrom(options.client);
    current = await sandmail.createRun(options.run ?? {});
  });
  hooks.afterEach(async () => {
    const run = current;
    current = undefined;
    await run?.delete();
  });
  return {
    get run(): CreatedRun {
      if (!current) {
        throw new SandmailError({
          code: "no_run",
          detail: "the run exists only while a test runs (read mail.run inside the test)",
        });
      }
      return current;
    },
    get sandmail(): Sandmail {
      sandmail ??= clientFrom(options.client);
      return sandmail;
    },
  };
}
