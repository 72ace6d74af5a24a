import type { MessageMeta } from "@sandmail/core";
import {
  type AuthContext,
  type AuthResults,
  authenticateMessage,
  authResultsCutOff,
  shiftMime,
  systemDnsFallback,
} from "@sandmail/mime";
import type { Logger } from "@sandmail/runtime";
import { bytesForWorker, type WorkerPool, WorkTimeoutError } from "@sandmail/work";
import { opaqueMeta, safeIndex } from "./index-message.js";

/**
 * Messages from this size on are checked and indexed on a worker thread. Below it the work is
 * short (DKIM is capped at MAX_DKIM_SIGNATURES body hashes) and a thread hop would cost more.
 */
export const WORKER_MIN_BYTES = 256 * 1024;
/** Indexing 25 MiB takes ~200 ms; a message still being indexed after this is stored opaque. */
const INDEX_LIMIT_MS = 10_000;
/** On top of the auth checks' own deadline: time to queue for a thread and to hash a large body. */
const AUTH_GRACE_MS = 3_000;

export interface MessageWorkOptions {
  /** Worker threads for large messages; without it everything runs here. */
  work?: WorkerPool;
  logger: Logger;
  authTimeoutMs: number;
  dnsFallback: boolean;
  /** Limit of a check on a thread; default authTimeoutMs plus a grace for queueing and hashing. */
  authLimitMs?: number;
  /** Limit of indexing on a thread (default 10 s). */
  indexLimitMs?: number;
}

export interface MessageWork {
  /** The authentication checks of one message as one run sees them (its DNS records in context). */
  authenticate(raw: Buffer, context: Omit<AuthContext, "fallback" | "timeoutMs">): Promise<AuthResults>;
  /** Summary and MIME tree of each copy `head + body` (copies differ only in their trace headers). */
  indexCopies(heads: Buffer[], body: Buffer): Promise<MessageMeta[]>;
}

/**
 * CPU-heavy steps of ingest on untrusted bytes. A large message goes to the worker pool with a
 * time limit; a thread past it is terminated and the message is stored anyway, its checks saying
 * temperror and why (or, unindexed, as one opaque text part), never holding SMTP, IMAP or HTTP.
 */
export function createMessageWork(options: MessageWorkOptions): MessageWork {
  const { work, logger, authTimeoutMs } = options;
  const fallback = options.dnsFallback ? systemDnsFallback() : undefined;

  async function authenticate(raw: Buffer, context: Omit<AuthContext, "fallback" | "timeoutMs">) {
    if (!work || raw.length < WORKER_MIN_BYTES) {
      return authenticateMessage(raw, {
        ...context,
        ...(fallback ? { fallback } : {}),
        timeoutMs: authTimeoutMs,
      });
    }
    const limitMs = options.authLimitMs ?? authTimeoutMs + AUTH_GRACE_MS;
    const { bytes, transferList } = bytesForWorker(raw);
    try {
      return await work.run(
        "authenticate",
        { raw: bytes, context: { ...context, timeoutMs: authTimeoutMs }, dnsFallback: Boolean(fallback) },
        { timeoutMs: limitMs, transferList },
      );
    } catch (err) {
      const reason =
        err instanceof WorkTimeoutError
          ? `checks did not finish within ${limitMs} ms and were stopped`
          : "checks failed on this message";
      logger.warn({ err, bytes: raw.length }, "authentication checks cut off: %s", reason);
      return authResultsCutOff(raw, context, reason);
    }
  }

  async function indexCopies(heads: Buffer[], body: Buffer): Promise<MessageMeta[]> {
    const first = heads[0];
    if (!first) return [];
    if (!work || body.length < WORKER_MIN_BYTES)
      return heads.map((head) => safeIndex(Buffer.concat([head, body]), logger));
    let meta: MessageMeta;
    const { bytes, transferList } = bytesForWorker(first, body);
    try {
      meta = await work.run("indexMessage", bytes, {
        timeoutMs: options.indexLimitMs ?? INDEX_LIMIT_MS,
        transferList,
      });
    } catch (err) {
      logger.warn({ err, bytes: body.length }, "could not index message in time, storing it as opaque text");
      meta = opaqueMeta(Buffer.concat([first, body]));
    }
    // One index for all copies: the body is the same, only each copy's own head differs in length.
    return heads.map((head) => ({ ...meta, mime: shiftMime(meta.mime, head.length - first.length) }));
  }

  return { authenticate, indexCopies };
}
