import { parseArgs } from "node:util";
import { uiUrl } from "@sandmail/api";
import { type Config, ConfigError, loadConfig } from "@sandmail/core";
import { createLogger } from "@sandmail/runtime";
import { ALL_SERVICES, type Sandbox, type ServiceName, startSandbox } from "../serve.js";

export const serveHelp = `Usage: sandmail serve [options]

Runs the sandbox: SMTP, IMAP and POP3 (each plain + STARTTLS, and implicit TLS) and the REST API in one process,
on the in-memory store, or on Redis when --redis-url / REDIS_URL is set. Each flag mirrors an
environment variable; a flag wins over the variable.

Options:
  --services <list>      front ends to run, comma-separated: ${ALL_SERVICES.join(",")} (default: all)
  --host <addr>          bind address                      SANDMAIL_HOST (127.0.0.1)
  --public-host <name>   host name handed to clients       SANDMAIL_PUBLIC_HOST
  --smtp-port <n>        SMTP + STARTTLS port              SANDMAIL_SMTP_PORT (2525)
  --smtps-port <n>       SMTP implicit TLS port            SANDMAIL_SMTPS_PORT (4650)
  --imap-port <n>        IMAP + STARTTLS port              SANDMAIL_IMAP_PORT (1143)
  --imaps-port <n>       IMAP implicit TLS port            SANDMAIL_IMAPS_PORT (9933)
  --pop3-port <n>        POP3 + STLS port                  SANDMAIL_POP3_PORT (1110)
  --pop3s-port <n>       POP3 implicit TLS port            SANDMAIL_POP3S_PORT (9955)
  --api-port <n>         REST API port                     SANDMAIL_API_PORT (8025)
  --domain <name>        mail domain of runs               SANDMAIL_DOMAIN (sandmail.test)
  --catch-all <bool>     catch mail for no run in "default" SANDMAIL_CATCH_ALL (true)
  --max-message-bytes <n>                                  SANDMAIL_MAX_MESSAGE_BYTES (26214400)
  --api-key <key>        required to create runs           SANDMAIL_API_KEY
  --tls-cert <file>      PEM certificate (else self-signed) SANDMAIL_TLS_CERT
  --tls-key <file>       PEM private key                   SANDMAIL_TLS_KEY
  --redis-url <url>      use Redis instead of memory       REDIS_URL
  --log-level <level>    fatal|error|warn|info|debug       SANDMAIL_LOG_LEVEL (info)
  -h, --help             show this help

Port 0 means any free port; the chosen ports are printed.`;

const flagToEnv: Record<string, string> = {
  host: "SANDMAIL_HOST",
  "public-host": "SANDMAIL_PUBLIC_HOST",
  "smtp-port": "SANDMAIL_SMTP_PORT",
  "smtps-port": "SANDMAIL_SMTPS_PORT",
  "imap-port": "SANDMAIL_IMAP_PORT",
  "imaps-port": "SANDMAIL_IMAPS_PORT",
  "pop3-port": "SANDMAIL_POP3_PORT",
  "pop3s-port": "SANDMAIL_POP3S_PORT",
  "api-port": "SANDMAIL_API_PORT",
  domain: "SANDMAIL_DOMAIN",
  "catch-all": "SANDMAIL_CATCH_ALL",
  "max-message-bytes": "SANDMAIL_MAX_MESSAGE_BYTES",
  "api-key": "SANDMAIL_API_KEY",
  "tls-cert": "SANDMAIL_TLS_CERT",
  "tls-key": "SANDMAIL_TLS_KEY",
  "redis-url": "REDIS_URL",
  "log-level": "SANDMAIL_LOG_LEVEL",
};

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
    const auth = config.SANDMAIL_API_KEY ? ` -H 'Authorization: Bearer ${config.SANDMAIL_API_KEY}'` : "";
    lines.push("", "Create a run:", `  curl -s -X POST${auth} ${base}/v1/runs`);
  }
  if (defaultRun) {
    lines.push(
      "",
      `Mail for no run is caught in run "${defaultRun.id}" (token ${defaultRun.token}).`,
      ...(ports.api !== undefined
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
    console.log(serveHelp);
    return 0;
  }
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [flag, name] of Object.entries(flagToEnv)) {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value === "string") env[name] = value;
  }
  const config = loadConfig(env);
  const services = parseServices(values.services as string | undefined);
  const logger = createLogger(config);
  const sandbox = await startSandbox({ config, logger, services });
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
