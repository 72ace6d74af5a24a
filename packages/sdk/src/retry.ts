/**
 * Which failures are worth another try. Only those where the request cannot have been acted on, or
 * the server said it is briefly unable to: a refused or reset connection, a gateway that lost its
 * upstream (502), an unavailable store (503). Never a 4xx: asking again gets the same answer.
 */

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

export const TRANSIENT_STATUSES = new Set([502, 503]);

function causeCode(err: unknown): string | undefined {
  let current: unknown = err;
  // undici wraps the socket error (sometimes twice: an AggregateError for happy-eyeballs).
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const errors = (current as { errors?: unknown }).errors;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for network failures of fetch that a retry can cure. */
export function isTransientNetworkError(err: unknown): boolean {
  if (!(err instanceof Error) || err.name === "AbortError" || err.name === "TimeoutError") return false;
  const code = causeCode(err);
  if (code !== undefined) return TRANSIENT_CODES.has(code);
  // "fetch failed" without a code: undici lost the socket in a way it did not name.
  return err instanceof TypeError && /fetch failed|terminated|other side closed/i.test(err.message);
}

export function networkErrorSummary(err: unknown): string {
  const code = causeCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${message} (${code})` : message;
}

export interface Backoff {
  /** Delay before the first retry, in ms; doubled each time. */
  baseMs: number;
  /** Upper bound of one delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 100, maxMs: 2000 };

/** Exponential backoff with jitter, so parallel test workers do not retry in lockstep. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
