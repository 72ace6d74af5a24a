import { parseArgs } from "node:util";
import type { HtmlCheck, LinkCheck, Message, SpamCheck } from "@sandmail/sdk";
import { printJson, runFrom } from "./client.js";
import { clientFlags, clientFlagsHelp, criteriaFlags, criteriaHelp, UsageError } from "./client-options.js";
import { pickFlags, pickMessage } from "./pick-message.js";

export const checkHelp = `Usage: sandmail check (html | links | spam) [--id <id> | criteria] [options]

Runs one of the server's checks on a message and exits 1 when it finds a problem, so a CI step
fails on a template Outlook cannot show, a broken link or a spammy score.
The message is --id, or else the newest matching the criteria, waited for up to --timeout.

  html     HTML/CSS features some email clients lack (caniemail data) and template mistakes
             --clients <list>     families or clients, e.g. gmail,outlook,apple-mail (default: all)
             --max-warnings <n>   fail above this many warnings (default 0)
  links    fetch every link; fail when one answers 4xx/5xx or not at all
             --images             check <img src> too
  spam     the configured spam engine's score (the server needs SANDMAIL_SPAMD or SANDMAIL_RSPAMD_URL)
             --max-score <n>      fail above this score (default: the engine's own verdict)

  --id <id>          this message
  --timeout <ms>     how long to wait for a matching message (default 10000)
  --json             print the server's answer as JSON

${criteriaHelp}

${clientFlagsHelp}`;

type Report = { ok: boolean; lines: string[]; json: unknown };

export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...clientFlags,
      ...criteriaFlags,
      ...pickFlags,
      clients: { type: "string" },
      "max-warnings": { type: "string" },
      images: { type: "boolean" },
      "max-score": { type: "string" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(checkHelp);
    return 0;
  }
  const [which, ...extra] = positionals;
  if (which !== "html" && which !== "links" && which !== "spam") {
    throw new UsageError("name a check: html, links or spam");
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const message = await pickMessage(await runFrom(values), values);
  const report =
    which === "html"
      ? htmlReport(
          await message.checks.html(clientsOf(values.clients)),
          number(values["max-warnings"], "max-warnings") ?? 0,
        )
      : which === "links"
        ? linksReport(await message.checks.links({ images: Boolean(values.images) }))
        : spamReport(await message.checks.spam(), number(values["max-score"], "max-score"));
  if (values.json) printJson(report.json);
  else process.stdout.write(`${describe(message)}\n${report.lines.join("\n")}\n`);
  return report.ok ? 0 : 1;
}

function clientsOf(value: string | undefined): { clients?: string[] } {
  const clients = value
    ?.split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  return clients?.length ? { clients } : {};
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`--${flag} takes a number, got ${JSON.stringify(value)}`);
  return n;
}

function describe(message: Message): string {
  return `message ${message.id} to ${message.inbox}: ${JSON.stringify(message.subject)}`;
}

function htmlReport(check: HtmlCheck, maxWarnings: number): Report {
  const lines = check.warnings.map((w) => {
    const clients = Object.entries(w.support).map(([client, level]) => `${client} ${level}`);
    return `  ${w.feature} (${w.count}x)${clients.length ? `: ${clients.join(", ")}` : ""}`;
  });
  const ok = check.warnings.length <= maxWarnings;
  const verdict = `html: score ${check.score}, ${check.warnings.length} warning(s)${ok ? "" : `, more than ${maxWarnings} allowed`}`;
  return { ok, lines: [verdict, ...lines], json: check };
}

function linksReport(check: LinkCheck): Report {
  const lines = check.links.map((l) => {
    const via = l.redirects.length ? ` via ${l.redirects.length} redirect(s) to ${l.finalUrl}` : "";
    return `  ${l.error ?? l.status} ${l.url}${via}`;
  });
  return {
    ok: check.ok,
    lines: [`links: ${check.links.length} checked, ${check.ok ? "all ok" : "some broken"}`, ...lines],
    json: check,
  };
}

function spamReport(check: SpamCheck, maxScore: number | undefined): Report {
  const ok = maxScore === undefined ? !check.isSpam : check.score <= maxScore;
  const limit = maxScore === undefined ? `threshold ${check.threshold}` : `at most ${maxScore} allowed`;
  const rules = check.rules
    .filter((r) => r.score !== 0)
    .map((r) => `  ${r.score} ${r.name} ${r.description}`);
  return {
    ok,
    lines: [`spam (${check.engine}): score ${check.score}, ${limit}${ok ? "" : ": too high"}`, ...rules],
    json: check,
  };
}
