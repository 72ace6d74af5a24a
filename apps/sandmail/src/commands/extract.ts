import { parseArgs } from "node:util";
import { ExtractionError, WaitTimeoutError } from "@sandmail/sdk";
import { runFrom } from "./client.js";
import {
  clientFlags,
  clientFlagsHelp,
  criteriaFlags,
  criteriaHelp,
  linkPattern,
  UsageError,
} from "./client-options.js";
import { pickFlags, pickMessage } from "./pick-message.js";

export const extractHelp = `Usage: sandmail extract (--code | --link [pattern]) [--id <id> | criteria] [--timeout <ms>]

Prints one value from a message, alone on a line, for use as  CODE=$(sandmail extract --code ...).
The message is --id, or else the newest matching the criteria, waited for up to --timeout.
Exit status: 0 printed, 1 no such message or nothing to extract (the reason on stderr).

  --code                 the most likely one-time code
  --link [pattern]       the first link; with a pattern (contains, or /regex/), the first matching it
  --id <id>              this message
  --timeout <ms>         how long to wait for a matching message (default 10000)

${criteriaHelp}

${clientFlagsHelp}`;

export async function extractCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...clientFlags,
      ...criteriaFlags,
      code: { type: "boolean" },
      link: { type: "boolean" },
      ...pickFlags,
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(extractHelp);
    return 0;
  }
  if (Boolean(values.code) === Boolean(values.link)) throw new UsageError("choose one of --code and --link");
  if (positionals.length > 1 || (positionals.length && !values.link)) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals.at(-1))}`);
  }
  const run = await runFrom(values);
  try {
    const message = await pickMessage(run, values);
    let value: string;
    if (values.code) {
      value = message.code();
    } else {
      const arg = positionals[0];
      value = message.link(arg === undefined ? undefined : linkPattern(arg, "link"));
    }
    process.stdout.write(`${value}\n`);
    return 0;
  } catch (err) {
    if (err instanceof WaitTimeoutError || err instanceof ExtractionError) {
      console.error(`sandmail extract: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
