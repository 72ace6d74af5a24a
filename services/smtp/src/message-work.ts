import { sharedBytes } from "@sandmail/core";
import {
  type AuthContext,
  type AuthResults,
  authenticateMessage,
  authResultsCutOff,
  type UnsignedAuthMemo,
} from "@sandmail/mime";
import type { Logger } from "@sandmail/runtime";
import { type WorkerPool, WorkTimeoutError } from "@sandmail/work";

/**
 * Messages from this size on are checked on a worker thread. Below it the work is short (DKIM is
 * capped at MAX_DKIM_SIGNATURES body hashes) and a thread hop would cost more than it saves.
 */
const WORKER_MIN_BYTES = 256 * 1024;
/** On top of the checks' own deadline: time to queue for a thread and to hash a large body. */
const AUTH_GRACE_MS = 3_000;

export interface AuthCheckerOptions {
  /** Worker threads for large messages; without it every check runs here. */
  work?: WorkerPool;
  logger: Logger;
  authTimeoutMs: number;
  /** Limit of a check on a thread; default authTimeoutMs plus a grace for queueing and hashing. */
  authLimitMs?: number;
}

export type AuthChecker = (
  raw: Buffer,
  context: AuthContext,
  memo?: UnsignedAuthMemo,
) => Promise<AuthResults>;

/**
 * The authentication checks of ingest, on untrusted bytes. A large message goes to the worker
 * pool with a time limit; a thread past it is terminated and the message is stored anyway, its
 * checks saying temperror and why, never holding SMTP, IMAP or HTTP meanwhile.
 */
export function createAuthChecker(options: AuthCheckerOptions): AuthChecker {
  const { work, logger, authTimeoutMs } = options;
  return async (raw, context, memo) => {
    if (!work || raw.length < WORKER_MIN_BYTES)
      return authenticateMessage(raw, context, memo ? { memo } : {});
    const limitMs = options.authLimitMs ?? authTimeoutMs + AUTH_GRACE_MS;
    const { fallback, ...plain } = context;
    try {
      // Shared, not copied: the thread reads the very bytes that are stored (read-message.ts).
      const bytes = await sharedBytes(raw);
      return await work.run(
        "authenticate",
        { raw: bytes, context: plain, dnsFallback: fallback !== undefined },
        { timeoutMs: limitMs },
      );
    } catch (err) {
      const reason =
        err instanceof WorkTimeoutError
          ? `checks did not finish within ${limitMs} ms and were stopped`
          : "checks failed on this message";
      logger.warn({ err, bytes: raw.length }, "authentication checks cut off: %s", reason);
      return authResultsCutOff(raw, context, reason);
    }
  };
}
