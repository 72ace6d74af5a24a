import { type Config, ConfigError } from "@sandmail/core";
import { flagOf } from "./serve-flags.js";

/**
 * A listener's EADDRINUSE, as one line naming the variable and the flag that move it (instead
 * of a stack); undefined for any other error.
 */
export function portInUse(err: unknown, config: Config): ConfigError | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e?.code !== "EADDRINUSE") return undefined;
  const settings = config as unknown as Record<string, unknown>;
  const variables = Object.keys(settings).filter((k) => k.endsWith("_PORT") && settings[k] === e.port);
  const which = variables.length
    ? variables.map((v) => `${v} or --${flagOf(v)}`).join(", ")
    : "the port settings (sandmail serve --help)";
  return new ConfigError([
    `port ${e.port ?? "?"} on ${e.address ?? config.SANDMAIL_HOST} is already in use: change ${which} (0 picks a free port)`,
  ]);
}
