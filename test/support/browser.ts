import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { assertTool, skipWithoutTool } from "./tools.js";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * Whether the browser tests can run here. By the same rule as every other tool (tools.ts), a missing
 * chromium is a skip only when run by hand; under CI or SANDMAIL_REQUIRE_TOOLS=1 the file fails with
 * the install hint.
 */
export function chromiumMissing(): boolean {
  const available = existsSync(CHROMIUM);
  if (!skipWithoutTool(available)) assertTool(available, CHROMIUM, "apt-get install chromium");
  return !available;
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's chromium, headless, in a fresh profile (its own cookie jar), with nothing of its own
 * going to the network (no component updates, sync, QUIC or background fetches), so a test sees
 * only the requests pages make. Each call is a separate browser: two calls never share cookies.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "sandmail-chromium-"));
  // playwright passes the profile as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
