import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { FaultRule } from "@sandmail/sdk";
import { printJson, runFrom } from "./client.js";
import { clientFlags, clientFlagsHelp, positiveInt, UsageError } from "./client-options.js";

export const faultsHelp = `Usage: sandmail faults set|get|clear [options]

SMTP faults for the run's mail only (no other run's): the app under test meets them when it sends.

  set                    replace the run's rules; prints them as kept, with their counters
    <rule JSON> ...        each argument one rule, e.g. '{"stage":"rcpt","action":"reply","code":451,"count":1}'
    --file <path>          the rules from a file ('-' = stdin): a JSON array or {"rules": [...]}
    --stage <s> --action <a> [--code <n>] [--message <text>] [--delay-ms <n>] [--count <n>]
    [--probability <p>] [--seed <n>] [--retry-after <seconds>]
                           one rule from flags
  get                    print the rules with what remains of each count and how often each fired
  clear                  remove every rule

Stages: connect (AUTH as the run), mail, rcpt, data, after-data.
Actions: reply, delay, disconnect, greylist (rcpt), require-tls (mail, rcpt).

${clientFlagsHelp}`;

const ruleFlags = {
  file: { type: "string" },
  stage: { type: "string" },
  action: { type: "string" },
  code: { type: "string" },
  message: { type: "string" },
  "delay-ms": { type: "string" },
  count: { type: "string" },
  probability: { type: "string" },
  seed: { type: "string" },
  "retry-after": { type: "string" },
} as const;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} is not JSON: ${(err as Error).message}`);
  }
}

/** The rule the flags describe; the server checks it (400 names the field). */
function ruleFromFlags(values: Record<string, unknown>): FaultRule {
  const numbers: Array<[string, keyof FaultRule]> = [
    ["code", "code"],
    ["delay-ms", "delayMs"],
    ["count", "count"],
    ["seed", "seed"],
    ["retry-after", "retryAfterSeconds"],
  ];
  const rule: Record<string, unknown> = { stage: values.stage, action: values.action };
  for (const [flag, field] of numbers) {
    const n = positiveInt(values[flag], flag);
    if (n !== undefined) rule[field] = n;
  }
  if (typeof values.message === "string") rule.message = values.message;
  if (typeof values.probability === "string") {
    const p = Number(values.probability);
    if (!Number.isFinite(p)) throw new UsageError(`--probability takes a number, not ${values.probability}`);
    rule.probability = p;
  }
  return rule as FaultRule;
}

async function rulesFrom(values: Record<string, unknown>, args: string[]): Promise<FaultRule[]> {
  if (typeof values.file === "string") {
    const text = values.file === "-" ? await readStdin() : await readFile(values.file, "utf8");
    const parsed = parseJson(text, values.file === "-" ? "stdin" : values.file);
    const rules = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown })?.rules;
    if (!Array.isArray(rules)) throw new UsageError('--file holds a JSON array of rules or {"rules": [...]}');
    return rules as FaultRule[];
  }
  if (typeof values.stage === "string" || typeof values.action === "string") return [ruleFromFlags(values)];
  if (args.length === 0)
    throw new UsageError("faults set: give rules as JSON arguments, --file, or --stage/--action");
  return args.map((arg, i) => parseJson(arg, `rule ${i + 1}`) as FaultRule);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function faultsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...clientFlags, ...ruleFlags },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...args] = positionals;
  if (values.help || !action) {
    console.log(faultsHelp);
    return values.help ? 0 : 2;
  }
  const run = await runFrom(values);
  switch (action) {
    case "set":
      printJson({ rules: await run.faults.set(await rulesFrom(values, args)) });
      return 0;
    case "get":
      printJson({ rules: await run.faults.get() });
      return 0;
    case "clear":
      await run.faults.clear();
      return 0;
    default:
      throw new UsageError(`faults: unknown action '${action}' (set, get or clear)`);
  }
}
