import { ConfigError } from "@sandmail/core";
import { SandmailError as ClientError } from "@sandmail/sdk";
import { UsageError } from "./commands/client-options.js";

/** Prints a command's failure as one readable line (a stack only for the unexpected); its exit code. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(`sandmail: ${err.message}`);
    return 2;
  }
  if (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")) {
    console.error(`sandmail: ${err.message}\nRun 'sandmail --help'.`);
    return 2;
  }
  if (err instanceof ClientError) {
    // Server answers (401, 404, ...) and unreachable servers: one readable line, no stack.
    console.error(`sandmail: ${err.message}`);
    return 3;
  }
  console.error("sandmail: failed:", err);
  return 1;
}
