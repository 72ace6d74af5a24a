import type { SmtpResult } from "@sandmail/metrics";

/**
 * Which `sandmail_smtp_messages_total` result an error reply to RCPT or DATA stands for: 451 is
 * ours and transient (the sender retries), 452 (run full) and any 5xx refuse the message.
 * Anything else (421 at shutdown) says nothing about a message.
 */
export function resultOfReply(responseCode: number): SmtpResult | undefined {
  if (responseCode === 451) return "failed";
  if (responseCode === 452 || responseCode >= 500) return "rejected";
  return undefined;
}
