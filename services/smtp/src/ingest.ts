import { randomBytes } from "node:crypto";
import {
  type Config,
  type DnsRecord,
  runIdFromAddress,
  type StoredMessage,
  tokensEqual,
} from "@sandmail/core";
import {
  type AuthResults,
  internString,
  normalizeCrlf,
  prependHeaders,
  systemDnsFallback,
  UnsignedAuthMemo,
} from "@sandmail/mime";
import type { Logger } from "@sandmail/runtime";
import type { CatchAllRun, MailStore } from "@sandmail/store";
import type { WorkerPool } from "@sandmail/work";
import { safeMimeIndexer, safeSummary } from "./index-message.js";
import { createAuthChecker } from "./message-work.js";
import { receivedHeader } from "./received.js";
import { reply, replyForStoreError, type SmtpReplyError, worstReply } from "./replies.js";

/** Where one accepted RCPT TO goes. */
export interface Route {
  runId: string;
  /** Inbox address (lowercased) inside the run. */
  inbox: string;
  /** The address exactly as the client gave it in RCPT TO. */
  recipient: string;
}

/** One finished SMTP transaction, ready to be stored. */
export interface Delivery {
  /** The DATA bytes as received (dot-unstuffed); line endings are normalized here unless `crlfNormalized`. */
  raw: Buffer;
  /** Every line ending of `raw` is CRLF already (readMessage did it as the bytes arrived). */
  crlfNormalized?: boolean;
  routes: Route[];
  mailFrom: string;
  helo: string;
  clientAddress: string;
  tls: boolean;
  /** The run id the session authenticated as. */
  authUser?: string;
  /** Received `with` protocol: ESMTP, ESMTPS, ESMTPA, ESMTPSA (or SMTP after HELO). */
  protocol: string;
  /**
   * Called right before the store step (once per run): the session gives its memory-budget
   * reservation for the DATA back here, as the store charges what it keeps. Released earlier,
   * the bytes would go uncounted during the checks; later, they would count twice.
   */
  beforeStore?: () => void;
}

export interface DeliveryResult {
  /** The id named in the Received header and the 250 reply. */
  queueId: string;
  stored: StoredMessage[];
}

const NO_BYTES = Buffer.alloc(0);

export interface IngestOptions {
  config: Pick<Config, "SANDMAIL_DOMAIN" | "SANDMAIL_DNS_FALLBACK" | "SANDMAIL_AUTH_TIMEOUT_MS">;
  store: MailStore;
  logger: Logger;
  /** This server's name in Received headers. */
  hostname: string;
  /** Worker threads for the authentication checks of large messages; without it they run here. */
  work?: WorkerPool;
  /** Run that takes mail no other run claims, created again when missing; without it such mail gets 550. */
  catchAll?: Pick<CatchAllRun, "runId" | "ensure">;
}

export interface Ingest {
  /** Checks SMTP AUTH credentials (user = run id, password = its token); resolves to the run id. */
  authenticate(username: string, password: string): Promise<string>;
  /** The routing decision for one RCPT TO, made once at RCPT time. */
  route(recipient: string, authRunId?: string): Promise<Route>;
  /** Stores one copy per routed inbox; resolves only once every copy is stored. */
  deliver(delivery: Delivery): Promise<DeliveryResult>;
}

/**
 * Routing and storing, apart from the SMTP wiring, so the rules read in one place:
 * 1. an authenticated session delivers every recipient into its own run, whatever the domain;
 * 2. otherwise `<local>@<runId>.<SANDMAIL_DOMAIN>` goes to that run, or gets 550 when the run
 *    does not exist (deleted, expired, never made): a run's mail is never caught by another run;
 * 3. otherwise the catch-all run, when configured, takes it (created again if it went missing);
 * 4. otherwise 550.
 * Every store failure becomes an SMTP reply (451 / 452 / 550), never a 250.
 */
export function createIngest(options: IngestOptions): Ingest {
  const { store, logger, hostname, catchAll } = options;
  const domain = options.config.SANDMAIL_DOMAIN;
  const dnsFallback = options.config.SANDMAIL_DNS_FALLBACK ? systemDnsFallback() : undefined;
  const authTimeoutMs = options.config.SANDMAIL_AUTH_TIMEOUT_MS;
  const authenticateMessage = createAuthChecker({
    logger,
    authTimeoutMs,
    ...(options.work ? { work: options.work } : {}),
  });

  /**
   * SPF, DKIM, DMARC and ARC as this run sees them: each run has its own DNS records, so a
   * message delivered into two runs is checked once per run. Checks never fail a delivery; a
   * run whose records cannot be read is checked offline.
   */
  async function checkAuth(runId: string, delivery: Delivery, raw: Buffer): Promise<AuthResults> {
    const records = await store.getDnsRecords(runId).catch((err: unknown) => {
      throw replyForStoreError(err, runId);
    });
    const memo = memoFor(runId, records);
    return authenticateMessage(
      raw,
      {
        ip: delivery.clientAddress,
        helo: delivery.helo,
        mailFrom: delivery.mailFrom,
        mta: hostname,
        records,
        ...(dnsFallback ? { fallback: dnsFallback } : {}),
        timeoutMs: authTimeoutMs,
      },
      memo,
    );
  }

  /**
   * The run's memo of unsigned mail's results, new whenever its DNS records differ from those
   * it was made for. None with the system DNS fallback: its answers can change without notice.
   */
  const authMemos = new Map<string, { records: string; memo: UnsignedAuthMemo }>();
  function memoFor(runId: string, records: DnsRecord[]): UnsignedAuthMemo | undefined {
    if (dnsFallback) return undefined;
    const fingerprint = records.length === 0 ? "" : JSON.stringify(records);
    let entry = authMemos.get(runId);
    if (entry?.records !== fingerprint) {
      // Bounded: past this many runs, the oldest memo goes (it is only a cache).
      if (!entry && authMemos.size >= 1000) authMemos.delete(authMemos.keys().next().value as string);
      entry = { records: fingerprint, memo: new UnsignedAuthMemo() };
      authMemos.set(runId, entry);
    }
    return entry.memo;
  }

  // Queue ids: a per-process random prefix and a counter, unique without a random draw per
  // message. They are also the store's delivery ids, unique across processes sharing a Redis.
  const queuePrefix = randomBytes(6).toString("hex").toUpperCase();
  let queueCounter = 0;
  const indexMime = safeMimeIndexer(logger);

  async function runExists(runId: string): Promise<boolean> {
    try {
      return (await store.getRun(runId)) !== undefined;
    } catch (err) {
      throw reply.storeFailed(err);
    }
  }

  async function authenticate(username: string, password: string): Promise<string> {
    const runId = username.trim().toLowerCase();
    if (!runId || !password) throw reply.authFailed();
    let run: Awaited<ReturnType<MailStore["getRun"]>>;
    try {
      run = await store.getRun(runId);
    } catch (err) {
      throw reply.authUnavailable(err);
    }
    // Compare against a dummy when the run is unknown, so both failures cost the same.
    const matches = tokensEqual(password, run?.token ?? "");
    if (!run || !matches) throw reply.authFailed();
    return run.id;
  }

  async function route(recipient: string, authRunId?: string): Promise<Route> {
    if (typeof recipient !== "string" || !recipient.includes("@")) {
      throw reply.noSuchRun(`No run for <${recipient}>: expected <local>@<run id>.${domain}`);
    }
    const inbox = recipient.toLowerCase();
    if (authRunId !== undefined) {
      if (await runExists(authRunId)) return { runId: authRunId, inbox, recipient };
      throw reply.noSuchRun(`Run ${authRunId} you authenticated as no longer exists`);
    }
    const byDomain = runIdFromAddress(recipient, domain);
    if (byDomain !== undefined) {
      if (await runExists(byDomain)) return { runId: byDomain, inbox, recipient };
      throw reply.noSuchRun(
        `No run ${byDomain} (recipient <${recipient}>): it does not exist or has expired`,
      );
    }
    if (catchAll) {
      try {
        await catchAll.ensure();
      } catch (err) {
        throw reply.storeFailed(err);
      }
      return { runId: catchAll.runId, inbox, recipient };
    }
    throw reply.noSuchRun(
      `No run for <${recipient}>: expected <local>@<run id>.${domain}, or SMTP AUTH with a run id and token`,
    );
  }

  async function deliver(delivery: Delivery): Promise<DeliveryResult> {
    if (!Buffer.isBuffer(delivery.raw)) throw new TypeError("delivery.raw must be a Buffer");
    if (delivery.routes.length === 0) throw new TypeError("delivery has no routes");

    const queueId = queuePrefix + (++queueCounter).toString(16).toUpperCase().padStart(8, "0");
    const raw = delivery.crlfNormalized ? delivery.raw : normalizeCrlf(delivery.raw);
    const receivedAt = new Date();
    const summary = safeSummary(raw, logger);

    // A run sees only its own recipients in the envelope, never another run's.
    const rcptByRun = new Map<string, string[]>();
    for (const r of delivery.routes) {
      const list = rcptByRun.get(r.runId);
      if (list) list.push(r.recipient);
      else rcptByRun.set(r.runId, [r.recipient]);
    }

    const runs = [...rcptByRun.keys()];
    const results = await Promise.allSettled(
      runs.map(async (runId) => {
        let auth: AuthResults;
        try {
          auth = await checkAuth(runId, delivery, raw);
        } catch (err) {
          throw replyForStoreError(err, runId);
        }
        const { header: authHeader, ...authSummary } = auth;
        const envelope = {
          mailFrom: internString(delivery.mailFrom),
          rcptTo: rcptByRun.get(runId) ?? [],
          clientAddress: internString(delivery.clientAddress),
          helo: internString(delivery.helo),
          tls: delivery.tls,
          ...(delivery.authUser !== undefined ? { authUser: delivery.authUser } : {}),
        };
        // Trace headers go on top, newest first: our Authentication-Results, then our Received.
        // They are each copy's own head; the body as received is shared by all copies.
        const copies = delivery.routes
          .filter((r) => r.runId === runId)
          .map((r) => ({
            address: r.inbox,
            head: prependHeaders(
              NO_BYTES,
              [
                [
                  "Received",
                  receivedHeader({
                    helo: delivery.helo,
                    clientAddress: delivery.clientAddress,
                    host: hostname,
                    protocol: delivery.protocol,
                    id: queueId,
                    recipient: r.recipient,
                    date: receivedAt,
                  }),
                ],
              ],
              authHeader,
            ),
            // The summary now (the trace headers carry none of its fields); the MIME tree when
            // someone first reads it.
            meta: { summary, auth: authSummary },
            indexMime,
            internalDate: receivedAt,
            // Kept with every message for the life of its run: share the strings that repeat.
            envelope,
          }));
        try {
          delivery.beforeStore?.();
          // All of this run's copies in one atomic store step, settled only once its outcome is known.
          return await store.appendDelivery(runId, { deliveryId: queueId, body: raw, copies });
        } catch (err) {
          throw replyForStoreError(err, runId);
        }
      }),
    );

    const stored: StoredMessage[] = [];
    const failures: SmtpReplyError[] = [];
    for (const result of results) {
      if (result.status === "fulfilled") stored.push(...result.value);
      else failures.push(replyForStoreError(result.reason, "?"));
    }
    const failure = worstReply(failures);
    if (failure) {
      // Several runs cannot share one atomic step (on a cluster they live on different shards):
      // the runs that did store take their copies back, so a refusal leaves nothing behind.
      await undo(stored, queueId);
      logger.warn(
        { queueId, stored: stored.length, failed: failures.length, err: failure.cause ?? failure },
        "delivery failed: %s",
        failure.message,
      );
      throw failure;
    }
    logger.debug({ queueId, copies: stored.length, bytes: raw.length }, "delivered");
    return { queueId, stored };
  }

  async function undo(stored: StoredMessage[], queueId: string): Promise<void> {
    const byRun = new Map<string, string[]>();
    for (const m of stored) byRun.set(m.runId, [...(byRun.get(m.runId) ?? []), m.id]);
    for (const [runId, ids] of byRun) {
      await store.deleteMessages(runId, ids).catch((err: unknown) => {
        logger.error({ queueId, runId, err }, "could not take back a partly refused delivery");
      });
    }
  }

  return { authenticate, route, deliver };
}
