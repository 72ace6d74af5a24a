import { parseArgs } from "node:util";
import { printJson, runFrom } from "./client.js";
import { clientFlags, clientFlagsHelp, UsageError } from "./client-options.js";

export const sessionsHelp = `Usage: sandmail sessions [<id>] [--json]

Without an id, prints the run's SMTP, IMAP and POP3 sessions (newest first, once ended) as JSON:
id, protocol, client, tls, user, startedAt, endedAt, commands. With an id, prints that session's
transcript as text, one protocol line per line ("<time> C: ..." / "<time> S: ..."); with --json,
as JSON. Message bodies and literals appear as their size, passwords and AUTH data as [redacted].

  --json                 the transcript as JSON

${clientFlagsHelp}`;

export async function sessionsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...clientFlags, json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(sessionsHelp);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError("sessions takes at most one session id");
  const run = await runFrom(values);
  const [id] = positionals;
  if (id === undefined) printJson(await run.sessions.list());
  else if (values.json) printJson(await run.sessions.get(id));
  else process.stdout.write(await run.sessions.text(id));
  return 0;
}
