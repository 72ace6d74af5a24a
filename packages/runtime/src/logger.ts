import type { Config } from "@sandmail/core";
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(config: Pick<Config, "SANDMAIL_LOG_LEVEL">, name = "sandmail"): Logger {
  return pino({ name, level: config.SANDMAIL_LOG_LEVEL });
}

/** A logger that writes nothing, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
