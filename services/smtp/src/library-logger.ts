import type { Logger } from "@sandmail/runtime";

type Log = (...args: unknown[]) => void;

/**
 * smtp-server's entries carry `component` (bound here already) and `hostname` (the client's HELO
 * name, which pino's own `hostname` would duplicate); a JSON line must not repeat a key.
 */
function withoutClashes(data: unknown): unknown {
  if (!data || typeof data !== "object") return data;
  const { component: _component, hostname, ...rest } = data as Record<string, unknown>;
  return hostname === undefined ? rest : { ...rest, clientHostname: hostname };
}

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
    (data, ...rest) =>
      (child[level] as (...a: unknown[]) => void)(withoutClashes(data), ...rest);
  return {
    trace: at("trace"),
    debug: at("trace"),
    info: at("debug"),
    warn: at("warn"),
    error: at("warn"),
    fatal: at("error"),
  };
}
