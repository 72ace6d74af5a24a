/**
 * The POP3 service: a plain listener (POP3 with STLS) and an implicit-TLS listener (POP3S,
 * RFC 8314) over the store, with the same logins and tokens as IMAP. A maildrop is an inbox's
 * INBOX.
 */
import { createSecureContext } from "node:tls";
import type { Config } from "@sandmail/core";
import {
  ConnectionLimiter,
  createListenerPair,
  type Logger,
  LoginThrottle,
  SessionRecorder,
} from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import { Pop3Connection, type Pop3Deps } from "./connection.js";
import { MaildropLocks } from "./locks.js";

export interface Pop3ServiceOptions {
  config: Config;
  store: MailStore;
  tls: { key: string; cert: string };
  logger: Logger;
  /** Default 10 minutes, RFC 1939's minimum autologout timer. */
  idleTimeoutMs?: number;
  /** Slows down wrong logins per client address; shared with the process's other front ends. */
  loginThrottle?: LoginThrottle;
  /** Longest command line; default 1 KiB (RFC 2449 allows 255 octets, SASL responses need more). */
  maxLineBytes?: number;
}

export interface Pop3Service {
  listen(): Promise<{ port: number; tlsPort: number }>;
  close(): Promise<void>;
}

export function createPop3Service(options: Pop3ServiceOptions): Pop3Service {
  const { config, store } = options;
  const log = options.logger.child({ service: "pop3" });
  const secureContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
  let ports = { port: 0, tlsPort: 0 };
  const deps: Pop3Deps = {
    store,
    domain: config.SANDMAIL_DOMAIN,
    logger: log,
    locks: new MaildropLocks(),
    loginThrottle: options.loginThrottle ?? new LoginThrottle(),
    secureContext,
    maxLineBytes: options.maxLineBytes ?? 1024,
    idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
    loginTimeoutMs: config.SANDMAIL_LOGIN_TIMEOUT_MS,
  };
  const recorder = SessionRecorder.fromConfig(config, store, log);
  if (recorder) deps.recorder = recorder;

  const listeners = createListenerPair({
    protocol: "pop3",
    logger: log,
    address: {
      port: config.SANDMAIL_POP3_PORT,
      tlsPort: config.SANDMAIL_POP3S_PORT,
      host: config.SANDMAIL_HOST,
    },
    secureContext,
    limiter: ConnectionLimiter.fromConfig(config),
    tooManyReply: "-ERR [SYS/TEMP] Too many connections from your address or in all, try again later\r\n",
    open: (socket, tls) => new Pop3Connection(socket, tls, deps),
    plainTextReply: () =>
      `-ERR This port expects TLS (implicit TLS); use port ${ports.port} for plain POP3 with STLS\r\n`,
  });

  return {
    async listen() {
      ports = await listeners.listen();
      return ports;
    },
    close: () => listeners.close(),
  };
}
