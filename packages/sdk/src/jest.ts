/** jest (and mocha, node:test) helper: each test gets its own run through beforeEach / afterEach. */

export type { FixtureOptions, OptionsSource } from "./fixture-run.js";
export { type EachHooks, type RunHandle, useSandmailRun } from "./hooks.js";
