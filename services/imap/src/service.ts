/**
 * The IMAP service: a plain listener (IMAP with STARTTLS) and an implicit-TLS listener
 * (RFC 8314), both over the same command set and store.
 */
import { createSecureContext } from "node:tls";
import type { ByteBudget, Config } from "@sandmail/core";
import type { SandmailMetrics } from "@sandmail/metrics";
import {
  ConnectionLimiter,
  createListenerPair,
  type Logger,
  LoginThrottle,
  SessionRecorder,
} from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import { capabilityList } from "./commands/index.js";
import { COMMAND_SLACK_BYTES, type RunSlots, type ServiceDeps } from "./commands/types.js";
import { Connection } from "./connection.js";

export interface ImapServiceOptions {
  config: Config;
  store: MailStore;
  tls: { key: string; cert: string };
  logger: Logger;
  /** Default 30 minutes (RFC 3501 §5.4). */
  idleTimeoutMs?: number;
  /** Default 50. */
  maxConnectionsPerRun?: number;
  /** Longest command line; default 64 KiB. */
  maxLineBytes?: number;
  /** Slows down wrong logins per client address; shared with the process's other front ends. */
  loginThrottle?: LoginThrottle;
  /** The process's memory budget: literals are reserved in it when announced, before they are read. */
  budget?: ByteBudget;
  /** Where open connections and dispatched commands are counted; nothing is counted without it. */
  metrics?: Pick<SandmailMetrics, "imapConnections" | "imapCommands">;
}

export interface ImapService {
  listen(): Promise<{ port: number; tlsPort: number }>;
  close(): Promise<void>;
}

/** Largest literal accepted before login: credentials and SASL responses fit many times over. */
export const PRE_LOGIN_LITERAL_BYTES = 8 * 1024;

function runSlots(max: number): RunSlots {
  const counts = new Map<string, number>();
  return {
    acquire(runId) {
      const n = counts.get(runId) ?? 0;
      if (n >= max) return false;
      counts.set(runId, n + 1);
      return true;
    },
    release(runId) {
      const n = (counts.get(runId) ?? 1) - 1;
      if (n <= 0) counts.delete(runId);
      else counts.set(runId, n);
    },
  };
}

export function createImapService(options: ImapServiceOptions): ImapService {
  const { config, store, logger } = options;
  const log = logger.child({ service: "imap" });
  const secureContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
  const maxMessage = config.SANDMAIL_MAX_MESSAGE_BYTES;
  const deps: ServiceDeps = {
    config,
    store,
    logger: log,
    runSlots: runSlots(options.maxConnectionsPerRun ?? 50),
    loginThrottle: options.loginThrottle ?? new LoginThrottle(),
    capabilities: (session) => capabilityList({ tls: session.tls, appendLimit: maxMessage }),
  };
  const { metrics } = options;
  let ports = { port: 0, tlsPort: 0 };

  const recorder = SessionRecorder.fromConfig(config, store, log);
  const connectionOptions = {
    deps,
    secureContext,
    limits: {
      maxLineBytes: options.maxLineBytes ?? 64 * 1024,
      maxLiteralBytes: maxMessage,
      maxCommandBytes: maxMessage + COMMAND_SLACK_BYTES,
      ...(options.budget ? { budget: options.budget } : {}),
    },
    // Before login only credentials are sent: a literal over 8 KiB is refused unread (BAD [TOOBIG]).
    preLoginLimits: {
      maxLineBytes: options.maxLineBytes ?? 64 * 1024,
      maxLiteralBytes: PRE_LOGIN_LITERAL_BYTES,
      maxCommandBytes: 2 * PRE_LOGIN_LITERAL_BYTES,
      closeOnOversizedNonSync: true,
      ...(options.budget ? { budget: options.budget } : {}),
    },
    idleTimeoutMs: options.idleTimeoutMs ?? 30 * 60_000,
    loginTimeoutMs: config.SANDMAIL_LOGIN_TIMEOUT_MS,
    tlsPort: () => ports.tlsPort,
    ...(metrics ? { onCommand: (command: string) => metrics.imapCommands.inc({ command }) } : {}),
    ...(recorder ? { recorder } : {}),
  };

  const listeners = createListenerPair({
    protocol: "imap",
    logger: log,
    address: {
      port: config.SANDMAIL_IMAP_PORT,
      tlsPort: config.SANDMAIL_IMAPS_PORT,
      host: config.SANDMAIL_HOST,
    },
    secureContext,
    limiter: ConnectionLimiter.fromConfig(config),
    tooManyReply: "* BYE [UNAVAILABLE] Too many connections from your address or in all, try again later\r\n",
    open: (socket, tls) => new Connection(socket, tls, connectionOptions),
    plainTextReply: (socket) => {
      log.warn(
        { remote: `${socket.remoteAddress}:${socket.remotePort}` },
        "plain text on the implicit-TLS IMAP port: the client expects plain IMAP; point it at the plain port or enable SSL/TLS",
      );
      return `* BYE This port expects TLS (implicit TLS); use port ${ports.port} for plain IMAP with STARTTLS\r\n`;
    },
  });

  // Read at scrape time from the sessions the listeners keep anyway: nothing to do per connection.
  const untrackConnections = metrics?.imapConnections.track(() => listeners.sessionCount);

  return {
    async listen() {
      ports = await listeners.listen();
      return ports;
    },
    async close() {
      await listeners.close();
      untrackConnections?.();
    },
  };
}
