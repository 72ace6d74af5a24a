import type { Config, Run, RunCounts } from "@sandmail/core";
import type { z } from "zod";
import type { Endpoints } from "../options.js";
import type { CreatedRun, ImapSettings, RunInfo } from "../schemas/runs.js";

export function runDomain(run: Run, config: Config): string {
  return `${run.id}.${config.SANDMAIL_DOMAIN}`;
}

function baseView(run: Run, config: Config) {
  return {
    id: run.id,
    domain: runDomain(run, config),
    ...(run.label !== undefined ? { label: run.label } : {}),
    createdAt: run.createdAt.toISOString(),
    expiresAt: run.expiresAt.toISOString(),
    limits: { maxMessages: run.limits.maxMessages, maxBytes: run.limits.maxBytes },
  };
}

function imapSettings(
  run: Run,
  config: Config,
  endpoints: Endpoints,
): z.infer<typeof ImapSettings> | undefined {
  if (endpoints.imapPort === undefined && endpoints.imapsPort === undefined) return undefined;
  return {
    host: endpoints.host,
    ...(endpoints.imapPort !== undefined ? { port: endpoints.imapPort } : {}),
    ...(endpoints.imapsPort !== undefined ? { tlsPort: endpoints.imapsPort } : {}),
    usernameHint: `<inbox>@${runDomain(run, config)}`,
    password: run.token,
  };
}

/** The answer to creating a run: the only view that carries the token. */
export function createdRunView(run: Run, config: Config, endpoints: Endpoints): z.infer<typeof CreatedRun> {
  const imap = imapSettings(run, config, endpoints);
  return {
    ...baseView(run, config),
    token: run.token,
    smtp: {
      host: endpoints.host,
      port: endpoints.smtpPort,
      tlsPort: endpoints.smtpsPort,
      username: run.id,
      password: run.token,
    },
    ...(imap ? { imap } : {}),
  };
}

export function runInfoView(run: Run, counts: RunCounts, config: Config): z.infer<typeof RunInfo> {
  return {
    ...baseView(run, config),
    counts: { messages: counts.messages, bytes: counts.bytes, inboxes: counts.inboxes },
  };
}
