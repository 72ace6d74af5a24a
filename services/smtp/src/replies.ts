import { isSandmailError } from "@sandmail/core";

/**
 * An error smtp-server turns into a reply: it sends `responseCode` and the message, and (with
 * ENHANCEDSTATUSCODES on) adds the enhanced status code matching the reply code itself
 * (550 -> 5.1.1, 535 -> 5.7.8, 451 -> 4.3.0, 452 -> 4.2.2, 454 -> 4.7.0, 421 -> 4.4.2).
 */
export class SmtpReplyError extends Error {
  readonly responseCode: number;

  constructor(responseCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SmtpReplyError";
    this.responseCode = responseCode;
  }
}

export const reply = {
  noSuchRun: (message: string) => new SmtpReplyError(550, message),
  authFailed: () =>
    new SmtpReplyError(535, "Authentication failed: user must be a run id, password its token"),
  tooManyFailedLogins: () =>
    new SmtpReplyError(454, "Too many failed logins from your address, try again later"),
  authUnavailable: (cause: unknown) =>
    new SmtpReplyError(454, "Temporary authentication failure, try again later", { cause }),
  quotaExceeded: (runId: string, cause: unknown) =>
    new SmtpReplyError(452, `Run ${runId} is over its message or byte limit`, { cause }),
  // RFC 3463's 4.3.1 "mail system full"; the text carries its own enhanced code (see prompt-greeting.ts).
  storageFull: (cause?: unknown) =>
    new SmtpReplyError(452, "4.3.1 Insufficient system storage, try again later", { cause }),
  storeFailed: (cause: unknown) =>
    new SmtpReplyError(451, "Local error: the message was not stored, try again later", { cause }),
  notReceived: (cause: unknown) =>
    new SmtpReplyError(451, "The message was not received in full, try again", { cause }),
  shuttingDown: () => new SmtpReplyError(421, "Server shutting down, try again later"),
  tooManyRecipients: (max: number) =>
    new SmtpReplyError(452, `Too many recipients: at most ${max} per message, send the rest in another`),
  tooBig: (max: number) => new SmtpReplyError(552, `Message exceeds fixed maximum message size ${max}`),
} as const;

/**
 * The reply for a store failure during delivery. A run that is full or gone is the sender's
 * problem (452 / 550); anything else is ours and transient (451), so the sender retries.
 */
export function replyForStoreError(err: unknown, runId: string): SmtpReplyError {
  if (err instanceof SmtpReplyError) return err;
  if (isSandmailError(err, "quota_exceeded")) return reply.quotaExceeded(runId, err);
  if (isSandmailError(err, "storage_full")) return reply.storageFull(err);
  if (isSandmailError(err, "run_not_found"))
    return reply.noSuchRun(`Run ${runId} does not exist or has expired`);
  return reply.storeFailed(err);
}

/** When several runs failed differently, the transient failure wins: a retry may still succeed. */
export function worstReply(errors: SmtpReplyError[]): SmtpReplyError | undefined {
  const rank = (e: SmtpReplyError) => (e.responseCode === 451 ? 0 : e.responseCode < 500 ? 1 : 2);
  return [...errors].sort((a, b) => rank(a) - rank(b))[0];
}
