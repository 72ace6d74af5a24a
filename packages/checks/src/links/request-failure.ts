import { Refused } from "./guarded-agent.js";

/**
 * Whether an outbound request failed for want of an answer in time: our own timer or an
 * AbortSignal, or one of undici's timeouts (connect, headers, body).
 */
export function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown })?.name;
  const code = (err as { code?: unknown })?.code;
  return (
    name === "AbortError" ||
    (typeof name === "string" && name.includes("Timeout")) ||
    (typeof code === "string" && /^UND_ERR_\w*TIMEOUT$/.test(code))
  );
}

/**
 * Why an outbound request (a link check, a webhook delivery) got no answer, in words for the
 * user: the timeout, the address policy's refusal, or the network error with its code.
 */
export function describeRequestFailure(err: unknown, timeoutMs: number): string {
  if (isTimeout(err)) return `timed out after ${timeoutMs} ms`;
  const cause = (err as { cause?: unknown })?.cause;
  const inner = cause instanceof Error ? cause : err;
  if (inner instanceof Refused) return inner.message;
  const code = (inner as { code?: string })?.code;
  const message = inner instanceof Error ? inner.message : String(inner);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
