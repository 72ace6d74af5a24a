import { type Config, isSandmailError, newToken, type Run } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";

export const DEFAULT_RUN_ID = "default";
/** The catch-all run lives as long as the store does; ten years stands in for "forever". */
const DEFAULT_RUN_TTL_SECONDS = 10 * 365 * 24 * 3600;

/**
 * The run that catches mail addressed to no run. Several processes may start at once against one
 * Redis: whoever loses the creation race reads the winner's run.
 */
export async function ensureDefaultRun(store: MailStore, config: Config): Promise<Run> {
  const existing = await store.getRun(DEFAULT_RUN_ID);
  if (existing) return existing;
  try {
    return await store.createRun({
      id: DEFAULT_RUN_ID,
      token: config.SANDMAIL_DEFAULT_TOKEN ?? newToken(),
      label: "catch-all",
      ttlSeconds: DEFAULT_RUN_TTL_SECONDS,
      limits: { maxMessages: config.SANDMAIL_RUN_MAX_MESSAGES, maxBytes: config.SANDMAIL_RUN_MAX_BYTES },
    });
  } catch (err) {
    if (!isSandmailError(err, "run_exists")) throw err;
    const run = await store.getRun(DEFAULT_RUN_ID);
    if (!run) throw err;
    return run;
  }
}
