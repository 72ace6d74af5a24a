import { type Config, newToken } from "@sandmail/core";
import { CatchAllRun, type MailStore } from "@sandmail/store";

export const DEFAULT_RUN_ID = "default";
/** The catch-all run lives as long as the store does; ten years stands in for "forever". */
const DEFAULT_RUN_TTL_SECONDS = 10 * 365 * 24 * 3600;

/** The catch-all run `default`, as configured; ensure() creates it (again) whenever it is missing. */
export function defaultCatchAll(store: MailStore, config: Config): CatchAllRun {
  return new CatchAllRun(store, {
    id: DEFAULT_RUN_ID,
    token: config.SANDMAIL_DEFAULT_TOKEN ?? newToken(),
    label: "catch-all",
    ttlSeconds: DEFAULT_RUN_TTL_SECONDS,
    limits: { maxMessages: config.SANDMAIL_RUN_MAX_MESSAGES, maxBytes: config.SANDMAIL_RUN_MAX_BYTES },
  });
}
