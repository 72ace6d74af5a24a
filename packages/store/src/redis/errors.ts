import { type ErrorCode, isSandmailError, SandmailError } from "@sandmail/core";

const scriptCodes: ErrorCode[] = [
  "run_not_found",
  "run_exists",
  "mailbox_not_found",
  "mailbox_exists",
  "mailbox_protected",
  "quota_exceeded",
  "invalid_request",
  "webhook_not_found",
];
const scriptCode = new RegExp(`\\b(${scriptCodes.join("|")})\\b`);

/**
 * Domain errors raised by the Lua scripts keep their code; anything else from Redis or the
 * connection means the store cannot serve right now (SMTP answers 451, readiness fails).
 */
export function toStoreError(err: unknown): SandmailError {
  if (isSandmailError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = scriptCode.exec(message)?.[1] as ErrorCode | undefined;
  if (code) return new SandmailError(code, code.replace(/_/g, " "));
  if (err instanceof Error && err.name === "ReplyError") {
    return new SandmailError("internal", `Redis error: ${message}`);
  }
  return new SandmailError("store_unavailable", `Redis unavailable: ${message}`);
}

/**
 * What a failed delivery attempt says about the message: `refused` (a domain error: the script
 * checked and stored nothing), `expired` (Redis ran it after its deadline: stored nothing),
 * `not-run` (never reached Redis, or Redis refused to run it: busy, loading, cluster down,
 * moved), or `unknown` (it may have run: a timeout, a connection lost after sending, a replica
 * that has not acknowledged yet).
 */
export function commitOutcome(err: unknown): "refused" | "expired" | "not-run" | "unknown" {
  if (isSandmailError(err)) return err.code === "store_unavailable" ? "not-run" : "refused";
  const message = err instanceof Error ? err.message : String(err);
  if (/\bdelivery_expired\b/.test(message)) return "expired";
  if (scriptCode.test(message)) return "refused";
  if (err instanceof Error && err.name === "ReplyError") return "not-run";
  if (/Stream isn't writeable|isn't ready and enableOfflineQueue/i.test(message)) {
    return "not-run";
  }
  return "unknown";
}
