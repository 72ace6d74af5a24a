import { ConfigSchema } from "@sandmail/core";

/** `SANDMAIL_SMTP_PORT` -> `smtp-port`, `REDIS_URL` -> `redis-url`. */
export function flagOf(variable: string): string {
  return variable
    .replace(/^SANDMAIL_/, "")
    .toLowerCase()
    .replaceAll("_", "-");
}

/**
 * One `serve` flag per configuration variable, derived from the schema so that a variable added
 * there has its flag (and its line in --help) with no change here.
 */
export const flagToEnv: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(ConfigSchema.shape).map((variable) => [flagOf(variable), variable]),
);

/** Short explanations for --help; a variable without one is listed with its default only. */
const about: Record<string, string> = {
  SANDMAIL_HOST: "bind address",
  SANDMAIL_PUBLIC_HOST: "host name handed to clients",
  SANDMAIL_SMTP_PORT: "SMTP + STARTTLS port",
  SANDMAIL_SMTPS_PORT: "SMTP implicit TLS port",
  SANDMAIL_IMAP_PORT: "IMAP + STARTTLS port",
  SANDMAIL_IMAPS_PORT: "IMAP implicit TLS port",
  SANDMAIL_POP3_PORT: "POP3 + STLS port",
  SANDMAIL_POP3S_PORT: "POP3 implicit TLS port",
  SANDMAIL_API_PORT: "REST API port",
  SANDMAIL_DOMAIN: "mail domain of runs",
  SANDMAIL_CATCH_ALL: 'catch mail for no run in "default"',
  SANDMAIL_API_KEY: "required to create runs",
  SANDMAIL_DEFAULT_TOKEN: 'token of the "default" run',
  SANDMAIL_TLS_CERT: "PEM certificate (else self-signed)",
  SANDMAIL_TLS_KEY: "PEM private key",
  SANDMAIL_TLS_DIR: "keeps the self-signed certificate",
  REDIS_URL: "use Redis instead of memory",
  SANDMAIL_LOG_LEVEL: "fatal|error|warn|info|debug",
};

/** The flag lines of `serve --help`: flag, what it is, variable and default. */
export function flagsHelp(): string {
  const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
  return Object.entries(flagToEnv)
    .map(([flag, variable]) => {
      const fallback = defaults[variable];
      const shown = fallback === undefined ? "" : ` (${String(fallback)})`;
      return `  ${`--${flag} <v>`.padEnd(30)} ${(about[variable] ?? "").padEnd(36)} ${variable}${shown}`;
    })
    .join("\n");
}
