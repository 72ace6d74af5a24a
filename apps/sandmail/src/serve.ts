import type { Server } from "node:http";
import type { Socket } from "node:net";
import { buildApp } from "@sandmail/api";
import { ByteBudget, type Config, type Run } from "@sandmail/core";
import { createImapService } from "@sandmail/imap";
import { createMetrics, type SandmailMetrics } from "@sandmail/metrics";
import { createPop3Service } from "@sandmail/pop3";
import {
  ConnectionLimiter,
  endSocket,
  type Logger,
  LoginThrottle,
  loadTlsMaterial,
  type TlsMaterial,
} from "@sandmail/runtime";
import { createSmtpService } from "@sandmail/smtp";
import type { MailStore } from "@sandmail/store";
import { createWorkerPool } from "@sandmail/work";
import { defaultCatchAll } from "./default-run.js";
import { createStore } from "./store.js";
import { webUiRoot } from "./web-ui.js";

export const ALL_SERVICES = ["smtp", "imap", "pop3", "api"] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

export interface SandboxOptions {
  config: Config;
  logger: Logger;
  /** Which front ends this process runs; all of them by default (the all-in-one server). */
  services?: readonly ServiceName[];
  /** Injected by tests that want to look at the store directly; built from config otherwise. */
  store?: MailStore;
  tls?: TlsMaterial;
  /**
   * The process's one metrics registry, shared by every front end started here and served at the
   * API's /metrics; made (with Node's process metrics) when absent.
   */
  metrics?: SandmailMetrics;
  /** The process's one record of wrong logins (SMTP, IMAP and the API count together); made when absent. */
  loginThrottle?: LoginThrottle;
  /** The built web UI served at /ui/; the workspace's services/web/dist when absent. */
  uiRoot?: string;
}

export interface SandboxPorts {
  smtp?: number;
  smtps?: number;
  imap?: number;
  imaps?: number;
  pop3?: number;
  pop3s?: number;
  api?: number;
}

export interface Sandbox {
  readonly store: MailStore;
  readonly ports: SandboxPorts;
  /** The catch-all run, when catch-all is on. */
  readonly defaultRun?: Run;
  /** Host name clients should use to reach this process. */
  readonly publicHost: string;
  readonly metrics: SandmailMetrics;
  close(): Promise<void>;
}

/** What serve needs of an SMTP, IMAP or POP3 service: plain and implicit-TLS listeners, one close. */
interface MailFrontEnd {
  listen(): Promise<{ port: number; tlsPort: number }>;
  close(): Promise<void>;
}

/** Over the limit an HTTP client gets a 503 problem+json and the connection closes, before its request is read. */
function limitHttpConnections(server: Server, limiter: ConnectionLimiter): void {
  const body = JSON.stringify({
    type: "urn:sandmail:problem:too_many_requests",
    title: "Too many requests",
    status: 503,
    code: "too_many_requests",
    detail:
      "too many open connections from your address or in all (SANDMAIL_MAX_CONNECTIONS_PER_CLIENT, SANDMAIL_MAX_CONNECTIONS); try again later",
  });
  server.on("connection", (socket: Socket) => {
    const release = limiter.admit(socket.remoteAddress);
    if (release) {
      socket.once("close", release);
      return;
    }
    socket.on("error", () => socket.destroy());
    endSocket(
      socket,
      `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

export function publicHostOf(config: Config): string {
  if (config.SANDMAIL_PUBLIC_HOST) return config.SANDMAIL_PUBLIC_HOST;
  const host = config.SANDMAIL_HOST;
  return host === "0.0.0.0" || host === "::" ? "localhost" : host;
}

/**
 * Starts the chosen front ends over one store. SMTP and IMAP start first so that the API can hand
 * out the ports they actually got (port 0 means any free port).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { config, logger } = options;
  const services = new Set(options.services ?? ALL_SERVICES);
  // One memory budget per process: the memory store's messages and the mail being received.
  const budget = new ByteBudget(config.SANDMAIL_MAX_STORE_BYTES);
  const store = options.store ?? (await createStore(config, budget));
  const closers: Array<() => Promise<void>> = [];
  const ports: SandboxPorts = {};
  const publicHost = publicHostOf(config);
  const metrics = options.metrics ?? createMetrics({ processMetrics: true });
  // One record of wrong logins per process: guesses over SMTP, IMAP and the API count together.
  const loginThrottle = options.loginThrottle ?? new LoginThrottle();
  // One pool of worker threads for CPU-heavy work on untrusted bytes, whichever front end asks.
  const work = createWorkerPool();

  try {
    await store.ping();
    const catchAll =
      config.SANDMAIL_CATCH_ALL && services.has("smtp") ? defaultCatchAll(store, config) : undefined;
    const defaultRun = await catchAll?.ensure();
    const tls = options.tls ?? (await loadTlsMaterial(config));

    // What every mail front end is given: SMTP and IMAP also count into metrics and reserve
    // what they read in the memory budget (POP3 only reads what is stored).
    const shared = { config, store, tls, logger, loginThrottle };
    const counted = { ...shared, metrics, budget };
    /** Listens with one mail front end, closed with the process; answers the ports it got. */
    const start = async (service: MailFrontEnd) => {
      const bound = await service.listen();
      closers.push(() => service.close());
      return bound;
    };
    if (services.has("smtp")) {
      const smtp = createSmtpService({ ...counted, work, ...(catchAll ? { catchAll } : {}) });
      ({ port: ports.smtp, tlsPort: ports.smtps } = await start(smtp));
    }
    if (services.has("imap")) {
      ({ port: ports.imap, tlsPort: ports.imaps } = await start(createImapService(counted)));
    }
    if (services.has("pop3")) {
      ({ port: ports.pop3, tlsPort: ports.pop3s } = await start(createPop3Service(shared)));
    }

    if (services.has("api")) {
      const app = await buildApp({
        config,
        store,
        logger: logger.child({ service: "api" }),
        metrics,
        loginThrottle,
        work,
        ...(catchAll ? { catchAll } : {}),
        ui: { root: options.uiRoot ?? webUiRoot() },
        endpoints: {
          host: publicHost,
          smtpPort: ports.smtp ?? config.SANDMAIL_SMTP_PORT,
          smtpsPort: ports.smtps ?? config.SANDMAIL_SMTPS_PORT,
          imapPort: ports.imap ?? config.SANDMAIL_IMAP_PORT,
          imapsPort: ports.imaps ?? config.SANDMAIL_IMAPS_PORT,
        },
      });
      limitHttpConnections(app.server, ConnectionLimiter.fromConfig(config));
      await app.listen({ host: config.SANDMAIL_HOST, port: config.SANDMAIL_API_PORT });
      const address = app.server.address();
      ports.api = typeof address === "object" && address ? address.port : config.SANDMAIL_API_PORT;
      closers.push(() => app.close());
    }

    let closed: Promise<void> | undefined;
    return {
      store,
      ports,
      publicHost,
      metrics,
      ...(defaultRun ? { defaultRun } : {}),
      close: () => {
        // Front ends first (they finish what is in flight), the store last.
        closed ??= (async () => {
          await Promise.allSettled(closers.reverse().map((close) => close()));
          await work.close();
          if (!options.store) await store.close();
        })();
        return closed;
      },
    };
  } catch (err) {
    await Promise.allSettled(closers.reverse().map((close) => close()));
    await work.close();
    if (!options.store) await store.close().catch(() => {});
    throw err;
  }
}
