import { parseArgs } from "node:util";
import { printJson, runFrom } from "./client.js";
import {
  clientFlags,
  clientFlagsHelp,
  criteriaFlags,
  criteriaFrom,
  criteriaHelp,
  positiveInt,
} from "./client-options.js";

export const messagesHelp = `Usage: sandmail messages [criteria] [--limit <n>] [--id <id>]

Prints the run's message summaries matching the criteria, newest first, as JSON; with --id, one
message in full (text, html, links, codes, attachments, headers, authentication results).

  --limit <n>            at most n summaries (default 100)
  --id <id>              one message in full

${criteriaHelp}

${clientFlagsHelp}`;

export async function messagesCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...clientFlags, ...criteriaFlags, limit: { type: "string" }, id: { type: "string" } },
    strict: true,
  });
  if (values.help) {
    console.log(messagesHelp);
    return 0;
  }
  const run = await runFrom(values);
  if (values.id) {
    printJson(await run.message(values.id));
    return 0;
  }
  const limit = positiveInt(values.limit, "limit") ?? 100;
  printJson(await run.messages(criteriaFrom(values), { limit }));
  return 0;
}
