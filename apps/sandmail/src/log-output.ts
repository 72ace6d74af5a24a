import type { DestinationStream } from "pino";

/**
 * Colored one-line entries for a person at a terminal; JSON lines (pino's default) when stdout is
 * a pipe or a file, for log collectors. The printer loads only at a terminal.
 */
export async function logDestination(
  stdout: NodeJS.WriteStream = process.stdout,
): Promise<DestinationStream | undefined> {
  if (!stdout.isTTY) return undefined;
  const { default: pretty } = await import("pino-pretty");
  return pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,name", sync: true });
}
