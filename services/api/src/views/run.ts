import type { Config, Run, RunCounts } from "@sandmail/core";
import type { z } from "zod";
import type { Endpoints } from "../options.js";
import type { ConnectionSettings, CreatedRun, ImapSettings, RunInfo, RunListItem } from "../schemas/runs.js";

function runDomain(run: Run, config: Config): string {
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

/** SMTP and IMAP settings of a run; they carry the token as the password. */
export function connectionSettingsView(
  run: Run,
  config: Config,
  endpoints: Endpoints,
): z.infer<typeof ConnectionSettings> {
  const imap = imapSettings(run, config, endpoints);
  return {
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

/**
 * The web UI's link for a run. The token travels in the fragment, which browsers never send in a
 * request line, so it shows up in no access log; the page trades it for a session cookie.
 */
export function uiUrl(origin: string, run: Pick<Run, "id" | "token">): string {
  return `${origin}/ui/#run=${encodeURIComponent(run.id)}&token=${encodeURIComponent(run.token)}`;
}

/**
 * The answer to creating a run: the view that carries the token. `uiOrigin` (where the caller
 * reached the API) is given only when this server serves the web UI.
 */
export function createdRunView(
  run: Run,
  config: Config,
  endpoints: Endpoints,
  uiOrigin?: string,
): z.infer<typeof CreatedRun> {
  return {
    ...baseView(run, config),
    token: run.token,
    ...connectionSettingsView(run, config, endpoints),
    ...(uiOrigin !== undefined ? { uiUrl: uiUrl(uiOrigin, run) } : {}),
  };
}

export function runInfoView(run: Run, counts: RunCounts, config: Config): z.infer<typeof RunInfo> {
  return {
    ...baseView(run, config),
    counts: { messages: counts.messages, bytes: counts.bytes, inboxes: counts.inboxes },
  };
}

/** A row of the operator's run list: the run with its counts and token. */
export function runListItemView(run: Run, counts: RunCounts, config: Config): z.infer<typeof RunListItem> {
  return { ...runInfoView(run, counts, config), token: run.token };
}
