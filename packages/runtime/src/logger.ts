import type { Config } from "@sandmail/core";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

/** JSON lines on stdout, or on `destination` (the CLI passes a pretty printer at a terminal). */
export function createLogger(
  config: Pick<Config, "SANDMAIL_LOG_LEVEL">,
  name = "sandmail",
  destination?: DestinationStream,
): Logger {
  const options = { name, level: config.SANDMAIL_LOG_LEVEL };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
