import os from "node:os";
import type { ByteBudget, Config } from "@sandmail/core";
import type { SandmailMetrics } from "@sandmail/metrics";
import {
  ConnectionLimiter,
  clientKey,
  type Logger,
  LoginThrottle,
  SessionRecorder,
  type Transcript,
} from "@sandmail/runtime";
import type { CatchAllRun, MailStore } from "@sandmail/store";
import type { WorkerPool } from "@sandmail/work";
import type { SMTPServerOptions, SMTPServerSession } from "smtp-server";
import { createFaultInjector } from "./faults.js";
import { createIngest, type Route } from "./ingest.js";
import { libraryLogger } from "./library-logger.js";
import { resultOfReply } from "./message-outcome.js";
import { PromptGreetingServer } from "./prompt-greeting.js";
import { readMessage } from "./read-message.js";
import { reply, SmtpReplyError } from "./replies.js";
import { TranscriptServer } from "./transcript-connection.js";

export interface SmtpServiceOptions {
  config: Config;
  store: MailStore;
  /** PEM key and certificate for STARTTLS and implicit TLS. */
  tls: { key: string; cert: string };
  logger: Logger;
  /**
   * Run that takes mail addressed to no run (created again whenever it is missing); without it
   * such mail gets 550 5.1.1.
   */
  catchAll?: Pick<CatchAllRun, "runId" | "ensure">;
  /** How long close() lets in-flight transactions finish before dropping them (default 10 s). */
  closeTimeoutMs?: number;
  /** Worker threads for the checks and indexing of large messages; shared with the process's other front ends. */
  work?: WorkerPool;
  /** Slows down wrong logins per client address; shared with the process's other front ends. */
  loginThrottle?: LoginThrottle;
  /** The process's memory budget: DATA is reserved in it chunk by chunk before it is kept. */
  budget?: ByteBudget;
  /** Where message outcomes and open sessions are counted; nothing is counted without it. */
  metrics?: Pick<SandmailMetrics, "smtpMessages" | "smtpSessions">;
}

export interface SmtpPorts {
  /** Plain SMTP with STARTTLS. */
  port: number;
  /** Implicit TLS (SMTPS). */
  tlsPort: number;
}

export interface SmtpService {
  /** Binds SANDMAIL_HOST on SANDMAIL_SMTP_PORT and SANDMAIL_SMTPS_PORT (0 = any free port). */
  listen(): Promise<SmtpPorts>;
  /**
   * Stops accepting, answers idle sessions 421, lets messages being received or stored finish
   * (their 250/451 is still sent), and resolves once every connection is gone or the close
   * timeout has passed.
   */
  close(): Promise<void>;
}

/** Per-session state: the routing decided at RCPT for the transaction under way. */
interface SessionState {
  routes: Map<string, Route>;
  /** Fault decisions of the transaction under way (see FaultPoint.decided). */
  decided: Map<string, boolean>;
  /** A RCPT of this transaction was refused and counted: one message counts once, not per recipient. */
  refusalCounted: boolean;
}

export function createSmtpService(options: SmtpServiceOptions): SmtpService {
  const { config, store, logger, metrics } = options;
  const log = logger.child({ service: "smtp" });
  const hostname = config.SANDMAIL_PUBLIC_HOST ?? os.hostname();
  const maxBytes = config.SANDMAIL_MAX_MESSAGE_BYTES;
  const maxRecipients = config.SANDMAIL_MAX_RECIPIENTS;
  const ingest = createIngest({
    config,
    store,
    logger: log,
    hostname,
    ...(options.catchAll ? { catchAll: options.catchAll } : {}),
    ...(options.work ? { work: options.work } : {}),
  });

  const loginThrottle = options.loginThrottle ?? new LoginThrottle();
  const recorder = SessionRecorder.fromConfig(config, store, log);
  /** Transcripts of open sessions by session id (empty when transcripts are off). */
  const openTranscripts = new Map<string, Transcript>();
  const transcriptOf = (session: SMTPServerSession) => openTranscripts.get(session.id);

  /** AUTH: wrong credentials from an address make its next attempts wait, then refused (454). */
  async function authenticate(
    username: string,
    password: string,
    session: SMTPServerSession,
  ): Promise<string> {
    const client = clientKey(session.remoteAddress);
    if (!(await loginThrottle.admit(client)).admitted) throw reply.tooManyFailedLogins();
    try {
      return await ingest.authenticate(username, password);
    } catch (err) {
      if (err instanceof SmtpReplyError && err.responseCode === 535) loginThrottle.failed(client);
      throw err;
    }
  }

  const faults = createFaultInjector({
    store,
    logger: log,
    closeSession: (session) => {
      for (const server of servers) if (server.closeSession(session)) return;
    },
  });

  /**
   * The run whose data-stage rules apply: the one run every recipient belongs to. A message to
   * several runs' recipients gets one DATA reply for all of them, so no run's rules act on it.
   */
  const soleRun = (state: SessionState): string | undefined => {
    let runId: string | undefined;
    for (const route of state.routes.values()) {
      if (runId === undefined) runId = route.runId;
      else if (route.runId !== runId) return undefined;
    }
    return runId;
  };

  const sessions = new WeakMap<SMTPServerSession, SessionState>();
  /** Session ids whose message is being read or stored right now. */
  const inFlight = new Set<string>();
  let closing = false;

  const stateOf = (session: SMTPServerSession): SessionState => {
    let state = sessions.get(session);
    if (!state) {
      state = { routes: new Map(), decided: new Map(), refusalCounted: false };
      sessions.set(session, state);
    }
    return state;
  };

  /** Counts the message outcome an error reply stands for, if it stands for one. */
  const countRefusal = (err: SmtpReplyError): void => {
    const result = resultOfReply(err.responseCode);
    if (result) metrics?.smtpMessages.inc({ result });
  };

  /** Anything that is not already an SMTP reply is our fault and transient. */
  const asReply = (err: unknown): SmtpReplyError => {
    if (err instanceof SmtpReplyError) return err;
    log.error({ err }, "unexpected error in an SMTP transaction");
    return reply.storeFailed(err);
  };

  /**
   * Hands an async result to smtp-server's callback style. Failures become SMTP replies; an
   * exception thrown by the callback itself is logged, never left as an unhandled rejection
   * (which would end the process).
   */
  function settle<T>(
    work: Promise<T>,
    ok: (value: T) => void,
    fail: (err: SmtpReplyError) => void,
    always?: () => void,
  ): void {
    work
      .then(ok, (err: unknown) => fail(asReply(err)))
      .catch((err: unknown) => log.error({ err }, "SMTP callback failed"))
      .finally(always);
  }

  const handlers: Pick<SMTPServerOptions, "onAuth" | "onMailFrom" | "onRcptTo" | "onData"> = {
    onAuth(auth, session, callback) {
      // A session is known to be the run's once it authenticates: its connect-stage rules act here.
      // The transcript belongs to the run before its faults act, so a faulted session shows there too.
      const login = authenticate(auth.username ?? "", auth.password ?? "", session).then((runId) => {
        transcriptOf(session)?.login(runId, runId);
        return faults.run({ stage: "connect", runId, session, decided: new Map() }, async () => runId);
      });
      settle(
        login,
        (runId) => callback(null, { user: runId }),
        (err) => callback(err),
      );
    },

    onMailFrom(_address, session, callback) {
      if (closing) return callback(reply.shuttingDown());
      const state = stateOf(session);
      state.routes = new Map();
      state.decided = new Map();
      state.refusalCounted = false;
      if (typeof session.user !== "string") return callback();
      settle(
        faults.run({ stage: "mail", runId: session.user, session, decided: state.decided }, async () => {}),
        () => callback(),
        (err) => callback(err),
      );
    },

    onRcptTo(address, session, callback) {
      // Each recipient is a stored copy: bounded, so one DATA cannot fill the store (RFC 5321
      // §4.5.3.1.10: 452 for "too many recipients", the client sends the rest in another message).
      const routes = stateOf(session).routes;
      if (routes.size >= maxRecipients && !routes.has(address.address.toLowerCase())) {
        return callback(reply.tooManyRecipients(maxRecipients));
      }
      const authRunId = typeof session.user === "string" ? session.user : undefined;
      const routed = ingest.route(address.address, authRunId).then((route) => {
        transcriptOf(session)?.scope(route.runId);
        return faults.run(
          {
            stage: "rcpt",
            runId: route.runId,
            session,
            decided: stateOf(session).decided,
            sender: session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : "",
            recipient: route.inbox,
          },
          async () => route,
        );
      });
      settle(
        routed,
        (route) => {
          stateOf(session).routes.set(address.address.toLowerCase(), route);
          callback();
        },
        (err) => {
          const state = stateOf(session);
          if (metrics && !state.refusalCounted) {
            state.refusalCounted = true;
            countRefusal(err);
          }
          callback(err);
        },
      );
    },

    onData(stream, session, callback) {
      inFlight.add(session.id);
      let reserved = 0;
      const release = () => {
        options.budget?.release(reserved);
        reserved = 0;
      };
      const receive = async (): Promise<string> => {
        const read = await readMessage(stream, maxBytes, options.budget).catch((err: unknown) => {
          // The client went away mid-message; nobody is left to read the reply.
          throw reply.notReceived(err);
        });
        reserved = read.reserved;
        const { raw } = read;
        if (read.refused === "storage-full") throw reply.storageFull();
        if (!raw) throw reply.tooBig(maxBytes);
        const state = stateOf(session);
        const routes: Route[] = [];
        for (const rcpt of session.envelope.rcptTo) {
          const route = state.routes.get(rcpt.address.toLowerCase());
          if (!route) throw new Error(`recipient ${rcpt.address} reached DATA without a route`);
          routes.push(route);
        }
        const mailFrom = session.envelope.mailFrom;
        const started = performance.now();
        const runId = soleRun(state);
        const point = runId && { stage: "after-data" as const, runId, session, decided: state.decided };
        const result = await faults.run(point || undefined, () =>
          ingest.deliver({
            raw,
            crlfNormalized: true,
            routes,
            mailFrom: mailFrom ? mailFrom.address : "",
            helo: session.hostNameAppearsAs || "unknown",
            clientAddress: session.remoteAddress,
            tls: session.secure,
            ...(typeof session.user === "string" ? { authUser: session.user } : {}),
            protocol: session.transmissionType || "ESMTP",
            beforeStore: release,
          }),
        );
        const ms = Math.round(performance.now() - started);
        // One line per stored copy, as a mail catcher's console shows arrivals.
        for (const m of result.stored) {
          log.info(
            { run: m.runId, inbox: m.address, subject: m.summary.subject, size: m.size, ms },
            "message received",
          );
        }
        return `OK: queued as ${result.queueId}`;
      };
      settle(
        receive(),
        (message) => {
          metrics?.smtpMessages.inc({ result: "accepted" });
          callback(null, message);
        },
        (err) => {
          countRefusal(err);
          callback(err);
        },
        () => {
          // Stored (the store now counts the bytes) or refused: either way this copy is done.
          release();
          inFlight.delete(session.id);
          if (closing) setImmediate(() => dropSession(session.id));
        },
      );
    },
  };

  const serverOptions: SMTPServerOptions = {
    name: hostname,
    banner: "sandmail",
    key: options.tls.key,
    cert: options.tls.cert,
    size: maxBytes,
    // Oversized DATA gets 552 5.3.4 from the library itself, whatever onData says.
    rejectOversized: true,
    authMethods: ["PLAIN", "LOGIN"],
    authOptional: true,
    // A test sandbox on loopback: AUTH without TLS is what apps under test are configured with.
    allowInsecureAuth: true,
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: false,
    hidePIPELINING: false,
    hide8BITMIME: false,
    hideSMTPUTF8: false,
    closeTimeout: options.closeTimeoutMs ?? 10_000,
    // Its logger wrapper runs on every command even when nothing is written: only at debug.
    logger: log.isLevelEnabled("debug")
      ? (libraryLogger(log) as unknown as SMTPServerOptions["logger"])
      : false,
    ...handlers,
  };

  const serverFor = (opts: SMTPServerOptions) =>
    recorder ? new TranscriptServer(opts, recorder, openTranscripts) : new PromptGreetingServer(opts);
  const plain = serverFor({ ...serverOptions, secure: false });
  const secure = serverFor({ ...serverOptions, secure: true });
  const servers = [plain, secure];
  // One front end, one count: the plain and the implicit-TLS port share the limits.
  plain.limiter = secure.limiter = ConnectionLimiter.fromConfig(config);
  plain.deadlines = secure.deadlines = {
    commandMs: config.SANDMAIL_SMTP_COMMAND_TIMEOUT_MS,
    dataMs: config.SANDMAIL_SMTP_DATA_TIMEOUT_MS,
  };
  for (const server of servers) {
    server.onDataCommand = (session, callback) => {
      const state = stateOf(session);
      const runId = soleRun(state);
      if (runId === undefined) return callback();
      settle(
        faults.run({ stage: "data", runId, session, decided: state.decided }, async () => {}),
        () => callback(),
        (err) => {
          countRefusal(err);
          callback(err);
        },
      );
    };
  }
  // Read at scrape time from the servers' own connection sets: nothing to do per connection.
  const untrackSessions = metrics?.smtpSessions.track(() => plain.connections.size + secure.connections.size);
  for (const server of servers) {
    // Socket and TLS errors of single clients arrive here; they must never end the process.
    server.on("error", (err: Error & { code?: string }) => {
      log.debug({ err: { message: err.message, code: err.code } }, "SMTP connection error");
    });
  }

  /** Ends one session of a closing server once its transaction has been answered. */
  function dropSession(sessionId: string): void {
    for (const server of servers) {
      for (const connection of server.connections) {
        if (connection.id === sessionId) connection.send(421, "Server shutting down, try again later");
      }
    }
  }

  function listenOn(server: PromptGreetingServer, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.server.once("error", onError);
      server.listen(port, config.SANDMAIL_HOST, () => {
        server.server.off("error", onError);
        const address = server.server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  }

  function closeServer(server: PromptGreetingServer): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      server.close(() => {
        if (!done) {
          done = true;
          resolve();
        }
      });
      // Idle sessions have nothing to finish: tell them now rather than at the timeout.
      for (const connection of [...server.connections]) {
        const busy = Boolean(connection._dataStream) || inFlight.has(connection.id);
        if (!busy) connection.send(421, "Server shutting down, try again later");
      }
    });
  }

  let closed: Promise<void> | undefined;

  return {
    async listen() {
      try {
        const port = await listenOn(plain, config.SANDMAIL_SMTP_PORT);
        const tlsPort = await listenOn(secure, config.SANDMAIL_SMTPS_PORT);
        log.info({ host: config.SANDMAIL_HOST, port, tlsPort }, "SMTP listening");
        return { port, tlsPort };
      } catch (err) {
        await this.close();
        throw err;
      }
    },
    close() {
      closing = true;
      closed ??= Promise.all(servers.map(closeServer)).then(() => {
        untrackSessions?.();
        log.info("SMTP closed");
      });
      return closed;
    },
  };
}
