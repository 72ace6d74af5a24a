/** Maps failures of a command onto its tagged reply; nothing here may throw. */
import { isSandmailError } from "@sandmail/core";
import type { Logger } from "@sandmail/runtime";
import { ArgError } from "../commands/args.js";
import { bad, type CommandResult, no } from "../commands/types.js";
import { BadCharsetError, ImapSyntaxError } from "../content/index.js";
import { MailboxNameError } from "../protocol/mailbox-name.js";
import { SequenceSetError } from "../protocol/sequence.js";

const codes: Record<string, string> = {
  mailbox_not_found: "NONEXISTENT",
  mailbox_exists: "ALREADYEXISTS",
  mailbox_protected: "CANNOT",
  quota_exceeded: "OVERQUOTA",
  invalid_request: "CANNOT",
  run_not_found: "UNAVAILABLE",
  store_unavailable: "UNAVAILABLE",
  message_not_found: "NONEXISTENT",
};

export function failureReply(err: unknown, logger: Logger, command: string): CommandResult {
  if (err instanceof ArgError || err instanceof ImapSyntaxError || err instanceof SequenceSetError) {
    return bad(err.message);
  }
  if (err instanceof MailboxNameError) return no(err.message, "CANNOT");
  if (err instanceof BadCharsetError) return no(err.message, `BADCHARSET (${err.charsets.join(" ")})`);
  if (isSandmailError(err)) {
    const code = codes[err.code];
    if (code) return no(err.message, code);
  }
  logger.error({ err, command }, "imap command failed");
  return no("Internal server error", "SERVERBUG");
}
