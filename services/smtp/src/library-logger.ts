import type { Logger } from "@sandmail/runtime";

type Log = (...args: unknown[]) => void;

/**
 * smtp-server logs every connection, command and reply at info/debug. That is protocol trace,
 * not service news, so it goes to our logger one level lower (info -> debug, debug -> trace).
 * Its call shape (`data, format, ...args`) is pino's, so it passes through unchanged.
 */
export function libraryLogger(
  logger: Logger,
): Record<"trace" | "debug" | "info" | "warn" | "error" | "fatal", Log> {
  const child = logger.child({ component: "smtp-server" });
  const at =
    (level: "trace" | "debug" | "warn" | "error"): Log =>
    (...args) =>
      (child[level] as (...a: unknown[]) => void)(...args);
  return {
    trace: at("trace"),
    debug: at("trace"),
    info: at("debug"),
    warn: at("warn"),
    error: at("warn"),
    fatal: at("error"),
  };
}
