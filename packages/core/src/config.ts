import os from "node:os";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => v === "true" || v === "1" || v === "yes" || v === "on");

/** Every setting sandmail reads from the environment, validated once at start. */
export const ConfigSchema = z.object({
  SANDMAIL_HOST: z.string().min(1).default("127.0.0.1"),
  SANDMAIL_PUBLIC_HOST: z.string().min(1).optional(),
  SANDMAIL_SMTP_PORT: port.default(2525),
  SANDMAIL_SMTPS_PORT: port.default(4650),
  SANDMAIL_IMAP_PORT: port.default(1143),
  SANDMAIL_IMAPS_PORT: port.default(9933),
  SANDMAIL_POP3_PORT: port.default(1110),
  SANDMAIL_POP3S_PORT: port.default(9955),
  SANDMAIL_API_PORT: port.default(8025),
  SANDMAIL_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "a lowercase DNS name")
    .default("sandmail.test"),
  SANDMAIL_CATCH_ALL: bool.default(true),
  SANDMAIL_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
  /**
   * Memory budget of the process in bytes: messages the memory store keeps plus SMTP DATA and IMAP
   * APPEND literals being received. Default: a quarter of the machine's memory.
   */
  SANDMAIL_MAX_STORE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(Math.floor(os.totalmem() / 4)),
  /** Runs the memory store holds at once (the catch-all run included). */
  SANDMAIL_MAX_RUNS: z.coerce.number().int().positive().default(10_000),
  /** Open connections per client address (an IPv6 client per /64), for each of SMTP, IMAP, POP3 and HTTP. */
  SANDMAIL_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().positive().default(100),
  /** Open connections in all, for each of SMTP, IMAP, POP3 and HTTP. */
  SANDMAIL_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1000),
  /** IMAP and POP3: a connection must log in within this long of connecting, whatever it sends. */
  SANDMAIL_LOGIN_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * SMTP: after each reply the client has this long to complete its next command line, however
   * slowly its bytes trickle in (RFC 5321 §4.5.3.2.7's five minutes); then 421 and close.
   */
  SANDMAIL_SMTP_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  /** SMTP: from the 354 reply, the whole message and its final dot must arrive within this long. */
  SANDMAIL_SMTP_DATA_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  /** RCPT TO per message; each is a stored copy. */
  SANDMAIL_MAX_RECIPIENTS: z.coerce.number().int().positive().max(10_000).default(100),
  SANDMAIL_RUN_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  SANDMAIL_MAX_RUN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  SANDMAIL_RUN_MAX_MESSAGES: z.coerce.number().int().positive().default(100_000),
  SANDMAIL_RUN_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024 * 1024),
  /** Sessions kept per run in its transcript ring (0 turns transcripts off). */
  SANDMAIL_TRANSCRIPT_SESSIONS: z.coerce.number().int().min(0).max(100_000).default(200),
  /** Bytes of transcript kept per run; the oldest sessions go first. */
  SANDMAIL_TRANSCRIPT_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .max(1024 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  /** Look up DNS names a run did not set with the system resolver (default: offline, "no record"). */
  SANDMAIL_DNS_FALLBACK: bool.default(false),
  /** Bound on the SPF/DKIM/DMARC/ARC checks of one message at ingest. */
  SANDMAIL_AUTH_TIMEOUT_MS: z.coerce.number().int().positive().max(30_000).default(2000),
  SANDMAIL_MAX_WAIT_MS: z.coerce.number().int().positive().default(300_000),
  /** Waits one run may hold open at once in one API process; one more answers 429 `too_many_waits`. */
  SANDMAIL_MAX_WAITS_PER_RUN: z.coerce.number().int().positive().default(200),
  /** Event streams (SSE) one run may hold open at once in one API process; one more answers 429 `too_many_streams`. */
  SANDMAIL_MAX_STREAMS_PER_RUN: z.coerce.number().int().positive().default(50),
  SANDMAIL_API_KEY: z.string().min(16, "at least 16 characters: a short key is guessed").optional(),
  SANDMAIL_DEFAULT_TOKEN: z.string().min(16).optional(),
  SANDMAIL_TLS_CERT: z.string().min(1).optional(),
  SANDMAIL_TLS_KEY: z.string().min(1).optional(),
  /** Directory keeping the self-signed certificate across restarts (used when no cert/key is set). */
  SANDMAIL_TLS_DIR: z.string().min(1).optional(),
  SANDMAIL_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** redis://, rediss://, or redis+cluster://host:port,host:port (rediss+cluster:// with TLS). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?(\+cluster)?:\/\/\S+$/i, "expected redis://, rediss:// or redis+cluster://host:port,...")
    .optional(),
  /** Replicas that must hold a delivered message (Redis WAIT) before SMTP answers 250. */
  SANDMAIL_REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  /** SpamAssassin's spamd as host:port, for GET .../checks/spam. */
  SANDMAIL_SPAMD: z
    .string()
    .regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, "expected host:port")
    .optional(),
  /** rspamd's normal worker, e.g. http://127.0.0.1:11333, for GET .../checks/spam. */
  SANDMAIL_RSPAMD_URL: z.string().url().optional(),
  /** Hosts the link check may fetch: names, *.suffixes, CIDRs; !entry denies. Empty: all but link-local. */
  SANDMAIL_LINK_CHECK_ALLOW: z.string().optional(),
  SANDMAIL_LINK_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(5000),
  /** Hosts webhooks may call: names, *.suffixes, CIDRs; !entry denies. Empty: all but link-local. */
  SANDMAIL_WEBHOOK_ALLOW: z.string().optional(),
  /** Waits between a webhook's attempts (jittered), e.g. `5s,30s,2m,10m,30m,1h`; after the last, failed. */
  SANDMAIL_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\s*\d+(ms|s|m|h)(\s*,\s*\d+(ms|s|m|h))*\s*$/, "expected durations like 5s,30s,2m,10m,30m,1h")
    .default("5s,30s,2m,10m,30m,1h"),
  /** How long a webhook attempt waits for a 2xx before it counts as failed. */
  SANDMAIL_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(10_000),
  /** Bound on one message's HTML compatibility check (it runs in a worker thread). */
  SANDMAIL_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(20_000),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Reads the configuration from `env`; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") relevant[key] = value;
  }
  const parsed = ConfigSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "config");
        return `${name}=${JSON.stringify(relevant[name] ?? "")}: ${issue.message}`;
      }),
    );
  }
  const cfg = parsed.data;
  if (cfg.SANDMAIL_SPAMD && cfg.SANDMAIL_RSPAMD_URL) {
    throw new ConfigError(["SANDMAIL_SPAMD and SANDMAIL_RSPAMD_URL: set one spam engine, not both"]);
  }
  if (Boolean(cfg.SANDMAIL_TLS_CERT) !== Boolean(cfg.SANDMAIL_TLS_KEY)) {
    throw new ConfigError(["SANDMAIL_TLS_CERT and SANDMAIL_TLS_KEY must be set together"]);
  }
  return cfg;
}
