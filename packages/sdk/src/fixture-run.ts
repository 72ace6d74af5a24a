import { type CreateRunOptions, Sandmail, type SandmailOptions } from "./client.js";
import type { CreatedRun } from "./run.js";

/** Client options, given directly or computed when a test first needs them (after a server starts). */
export type OptionsSource = SandmailOptions | (() => SandmailOptions);

export interface FixtureOptions {
  /** Client options (default: SANDMAIL_URL, SANDMAIL_API_KEY). */
  client?: OptionsSource;
  /** Options for each test's run; `label` defaults to the test's name where the runner gives it. */
  run?: CreateRunOptions;
}

export function clientFrom(source: OptionsSource | undefined): Sandmail {
  return new Sandmail(typeof source === "function" ? source() : (source ?? {}));
}

/** Creates a run, hands it to `use`, and deletes it afterwards even when the test failed. */
export async function withRun(
  sandmail: Sandmail,
  options: CreateRunOptions,
  use: (run: CreatedRun) => Promise<void>,
): Promise<void> {
  const run = await sandmail.createRun(options);
  try {
    await use(run);
  } finally {
    await run.delete();
  }
}
