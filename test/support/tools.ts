/**
 * External tools the tests drive (dovecot, mbsync, fetchmail, getmail...). Run by hand, a test
 * whose tool is missing is skipped with a note; under CI=true or SANDMAIL_REQUIRE_TOOLS=1 (set by
 * .ci/run) it runs anyway and fails, so a differential or client test can never vanish silently.
 */
export function toolsRequired(): boolean {
  return process.env.SANDMAIL_REQUIRE_TOOLS === "1" || process.env.CI === "true";
}

/** Whether to skip a suite whose tool is `available` or not. */
export function skipWithoutTool(available: boolean): boolean {
  return !available && !toolsRequired();
}

/** Throws the install hint when a required tool is missing (call from beforeAll). */
export function assertTool(available: boolean, name: string, install: string): void {
  if (!available) throw new Error(`${name} is required for this test but not installed (${install})`);
}
