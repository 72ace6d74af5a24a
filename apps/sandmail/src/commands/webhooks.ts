import { parseArgs } from "node:util";
import type { WebhookEvent } from "@sandmail/sdk";
import { printJson, runFrom } from "./client.js";
import { clientFlags, clientFlagsHelp, UsageError } from "./client-options.js";

export const webhooksHelp = `Usage: sandmail webhooks (create <url> | list | delete <id> | deliveries <id>) [options]

The run's webhooks: signed POSTs (Standard Webhooks) of its events to a URL. Prints JSON.

  create <url>       start delivering; prints the webhook with its secret (shown only now)
    --events <list>  message.received (default), message.flags, message.moved, message.expunged
  list               the run's webhooks, without secrets
  delete <id>        remove a webhook and its delivery log
  deliveries <id>    its delivery log, oldest first, each with its attempts

${clientFlagsHelp}`;

export async function webhooksCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...clientFlags, events: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(webhooksHelp);
    return 0;
  }
  const [action, arg, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const needsArg = action === "create" || action === "delete" || action === "deliveries";
  if (needsArg && arg === undefined)
    throw new UsageError(`webhooks ${action} needs ${action === "create" ? "a URL" : "a webhook id"}`);
  if (action === "list" && arg !== undefined)
    throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
  if (!needsArg && action !== "list")
    throw new UsageError("name an action: create, list, delete or deliveries");
  const run = await runFrom(values);
  const hooks = run.webhooks;
  if (action === "create") {
    const events = values.events
      ?.split(",")
      .map((e) => e.trim())
      .filter(Boolean) as WebhookEvent[] | undefined;
    printJson(await hooks.create(arg as string, events?.length ? { events } : {}));
  } else if (action === "list") printJson(await hooks.list());
  else if (action === "delete") await hooks.delete(arg as string);
  else printJson(await hooks.deliveries(arg as string));
  return 0;
}
