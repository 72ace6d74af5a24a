import { parseArgs } from "node:util";
import { UnexpectedMessageError, WaitTimeoutError } from "@sandmail/sdk";
import { printJson, runFrom } from "./client.js";
import {
  clientFlags,
  clientFlagsHelp,
  criteriaFlags,
  criteriaFrom,
  criteriaHelp,
  positiveInt,
} from "./client-options.js";

export const waitHelp = `Usage: sandmail wait [criteria] [--count <n>] [--timeout <ms>] [--after <cursor>] [--none]

Waits until a message matching the criteria is in the run and prints it as JSON (an array with
--count). Exit status: 0 found, 1 timed out (what came instead is explained on stderr).
With --none, the opposite, for negative tests: 0 when nothing matched within --timeout, 1 when
a message did (printed on stderr).

  --count <n>            wait for n messages (default 1)
  --timeout <ms>         give up after this long (default 10000)
  --after <cursor>       only messages after this run cursor (a message's "seq"; default 0: all)
  --none                 expect no matching message within --timeout

${criteriaHelp}

${clientFlagsHelp}`;

export async function waitCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...clientFlags,
      ...criteriaFlags,
      count: { type: "string" },
      timeout: { type: "string" },
      after: { type: "string" },
      none: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(waitHelp);
    return 0;
  }
  const criteria = criteriaFrom(values);
  const count = positiveInt(values.count, "count") ?? 1;
  const timeout = positiveInt(values.timeout, "timeout") ?? 10_000;
  const after = positiveInt(values.after, "after") ?? 0;
  const run = await runFrom(values);
  try {
    if (values.none) {
      await run.expectNoMessage(criteria, timeout, { after });
      return 0;
    }
    const messages = await run.waitForMessages(criteria, count, { timeout, after });
    printJson(count === 1 && values.count === undefined ? messages[0] : messages);
    return 0;
  } catch (err) {
    if (err instanceof WaitTimeoutError || err instanceof UnexpectedMessageError) {
      console.error(`sandmail wait: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
