import { parseArgs } from "node:util";
import { uiUrl } from "@sandmail/api";
import { type Config, ConfigError, loadConfig } from "@sandmail/core";
import { createLogger } from "@sandmail/runtime";
import { logDestination } from "../log-output.js";
import { ALL_SERVICES, type Sandbox, type ServiceName, startSandbox } from "../serve.js";
import { releaseYoungGeneration } from "../young-generation.js";
import { portInUse } from "./port-in-use.js";
import { flagsHelp, flagToEnv } from "./serve-flags.js";

export const serveHelp = (): string => `Usage: sandmail serve [options]

Runs the sandbox: SMTP, IMAP and POP3 (each plain + STARTTLS, and implicit TLS) and the REST API in one process,
on the in-memory store, or on Redis when --redis-url / REDIS_URL is set. Each flag mirrors an
environment variable; a flag wins over the variable.

Options:
  --services <list>              front ends to run, comma-separated: ${ALL_SERVICES.join(",")} (default: all)
${flagsHelp()}
  -h, --help                     show this help

Port 0 means any free port; the chosen ports are printed.`;

function parseServices(list: string | undefined): ServiceName[] {
  if (!list) return [...ALL_SERVICES];
  const names = list
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bad = names.filter((n) => !(ALL_SERVICES as readonly string[]).includes(n));
  if (bad.length || names.length === 0) {
    throw new ConfigError([
      `--services: unknown ${bad.join(", ") || "(empty)"}; choose from ${ALL_SERVICES.join(",")}`,
    ]);
  }
  return names as ServiceName[];
}

export function banner(sandbox: Sandbox, config: Config): string {
  const { ports, publicHost, defaultRun } = sandbox;
  const lines = ["sandmail is running", `  store: ${sandbox.store.kind}`];
  if (ports.smtp !== undefined)
    lines.push(`  SMTP: ${publicHost}:${ports.smtp} (STARTTLS)  ${publicHost}:${ports.smtps} (TLS)`);
  if (ports.imap !== undefined) {
    lines.push(`  IMAP: ${publicHost}:${ports.imap} (STARTTLS)  ${publicHost}:${ports.imaps} (TLS)`);
    lines.push("        user: <address in a run>, password: the run's token");
  }
  if (ports.pop3 !== undefined) {
    lines.push(`  POP3: ${publicHost}:${ports.pop3} (STLS)      ${publicHost}:${ports.pop3s} (TLS)`);
    lines.push("        same logins as IMAP; the maildrop is the address's INBOX");
  }
  if (ports.api !== undefined) {
    const base = `http://${publicHost}:${ports.api}`;
    lines.push(`  API:  ${base}   docs: ${base}/docs   web inbox: ${base}/ui/`);
    // The key is the operator's own: named, never printed.
    const auth = config.SANDMAIL_API_KEY ? ` -H "Authorization: Bearer $SANDMAIL_API_KEY"` : "";
    lines.push("", "Create a run:", `  curl -s -X POST${auth} ${base}/v1/runs`);
  }
  if (defaultRun) {
    // A secret is shown only when this start made it: a configured token (or one a Redis-backed
    // run already had) is the operator's, and logs outlive a terminal.
    const madeNow = !config.SANDMAIL_DEFAULT_TOKEN && sandbox.store.kind === "memory";
    const whose = config.SANDMAIL_DEFAULT_TOKEN
      ? "its token is SANDMAIL_DEFAULT_TOKEN"
      : "its token was printed when the run was made; set SANDMAIL_DEFAULT_TOKEN to choose one";
    lines.push(
      "",
      madeNow
        ? `Mail for no run is caught in run "${defaultRun.id}" (token ${defaultRun.token}).`
        : `Mail for no run is caught in run "${defaultRun.id}" (${whose}).`,
      ...(madeNow && ports.api !== undefined
        ? [`Read it in the browser: ${uiUrl(`http://${publicHost}:${ports.api}`, defaultRun)}`]
        : []),
      "Turn it off with SANDMAIL_CATCH_ALL=false.",
    );
  }
  return lines.join("\n");
}

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      services: { type: "string" },
      help: { type: "boolean", short: "h" },
      ...Object.fromEntries(Object.keys(flagToEnv).map((k) => [k, { type: "string" as const }])),
    },
    strict: true,
  });
  if (values.help) {
    console.log(serveHelp());
    return 0;
  }
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [flag, name] of Object.entries(flagToEnv)) {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value === "string") env[name] = value;
  }
  const config = loadConfig(env);
  const services = parseServices(values.services as string | undefined);
  const logger = createLogger(config, "sandmail", await logDestination());
  const sandbox = await startSandbox({ config, logger, services }).catch((err: unknown) => {
    throw portInUse(err, config) ?? err;
  });
  releaseYoungGeneration();
  // stderr: stdout carries the log lines (JSON when piped), which the banner must not interleave.
  process.stderr.write(`${banner(sandbox, config)}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down: finishing what is in flight");
      const force = setTimeout(() => {
        logger.error("shutdown took over 10 s; exiting");
        process.exit(1);
      }, 10_000);
      force.unref();
      sandbox.close().then(resolve, (err) => {
        logger.error({ err }, "error while shutting down");
        resolve();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}
