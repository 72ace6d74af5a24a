import { parseArgs } from "node:util";
import { clientFrom, printJson, runFrom } from "./client.js";
import { clientFlags, clientFlagsHelp, positiveInt, UsageError } from "./client-options.js";

export const runHelp = `Usage: sandmail run <create|list|info|delete> [options]

  sandmail run create [--ttl <seconds>] [--label <text>] [--json | --env]
      Creates an isolated run and prints it as JSON (default), or with --env as shell exports
      for eval in a CI step:  eval "$(sandmail run create --env)"
      exports SANDMAIL_URL SANDMAIL_RUN SANDMAIL_TOKEN SANDMAIL_DOMAIN SANDMAIL_SMTP_HOST
      SANDMAIL_SMTP_PORT SANDMAIL_SMTP_TLS_PORT SANDMAIL_SMTP_USER SANDMAIL_SMTP_PASS, and
      SANDMAIL_UI_URL (the run's web inbox link) when the server serves the UI
  sandmail run list [--json]
      Every live run with its message count and expiry (the operator's view: needs
      SANDMAIL_API_KEY when the server sets one); --json adds the tokens
  sandmail run info       the run's counts and expiry, as JSON
  sandmail run delete     deletes the run and all its mail

${clientFlagsHelp}`;

const quote = (v: string | number) => `'${String(v).replace(/'/g, "'\\''")}'`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...clientFlags,
      ttl: { type: "string" },
      label: { type: "string" },
      json: { type: "boolean" },
      env: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action] = positionals;
  if (values.help || !action) {
    console.log(runHelp);
    return values.help ? 0 : 2;
  }
  switch (action) {
    case "create": {
      if (values.json && values.env) throw new UsageError("--json and --env: choose one");
      const ttl = positiveInt(values.ttl, "ttl");
      const sandmail = clientFrom(values);
      const run = await sandmail.createRun({
        ...(ttl !== undefined ? { ttl } : {}),
        ...(values.label ? { label: values.label } : {}),
      });
      if (values.env) {
        const exports: Record<string, string | number> = {
          SANDMAIL_URL: sandmail.url,
          SANDMAIL_RUN: run.id,
          SANDMAIL_TOKEN: run.token,
          SANDMAIL_DOMAIN: run.domain,
          SANDMAIL_SMTP_HOST: run.smtp.host,
          SANDMAIL_SMTP_PORT: run.smtp.port,
          SANDMAIL_SMTP_TLS_PORT: run.smtp.tlsPort,
          SANDMAIL_SMTP_USER: run.smtp.username,
          SANDMAIL_SMTP_PASS: run.smtp.password,
          ...(run.uiUrl ? { SANDMAIL_UI_URL: run.uiUrl } : {}),
        };
        const line = Object.entries(exports).map(([k, v]) => `${k}=${quote(v)}`);
        process.stdout.write(`export ${line.join(" ")}\n`);
      } else {
        printJson({
          id: run.id,
          token: run.token,
          domain: run.domain,
          smtp: run.smtp,
          imap: run.imap,
          ...(run.uiUrl ? { uiUrl: run.uiUrl } : {}),
        });
      }
      return 0;
    }
    case "list": {
      const runs = await clientFrom(values).listRuns();
      if (values.json) printJson(runs);
      else {
        for (const run of runs) {
          const label = run.label ? `  ${run.label}` : "";
          process.stdout.write(
            `${run.id}  ${run.counts.messages} messages  expires ${run.expiresAt}${label}\n`,
          );
        }
      }
      return 0;
    }
    case "info": {
      printJson(await (await runFrom(values)).info());
      return 0;
    }
    case "delete": {
      await (await runFrom(values)).delete();
      return 0;
    }
    default:
      throw new UsageError(`unknown action 'run ${action}': create, list, info or delete`);
  }
}
