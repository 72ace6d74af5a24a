import { isSandmailError } from "@sandmail/core";
import { indexMessage, normalizeCrlf } from "@sandmail/mime";
import { findMailbox } from "../session/folders.js";
import { ArgError, Args, canonicalFlag, flagList, parseDateTime, tokenText } from "./args.js";
import { AUTHENTICATED, defineCommand, no, ok } from "./types.js";

export default defineCommand({
  name: "APPEND",
  states: AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "APPEND");
    const name = args.mailbox();
    let flags: string[] = [];
    let date: Date | undefined;
    if (args.peek()?.type === "list") flags = flagList(args.list("flags"), "APPEND");
    const maybeDate = args.peek();
    if (maybeDate?.type === "string" && !maybeDate.literal) {
      date = parseDateTime(tokenText(args.next("date"), "APPEND date"));
      if (!date) throw new ArgError("APPEND: invalid date-time");
    }
    const message = args.next("message literal");
    if (message.type !== "string" || !message.literal)
      throw new ArgError("APPEND: message must be a literal");
    // MULTIAPPEND and CATENATE are not offered.
    args.end();
    return { name, flags: flags.filter((f) => f !== canonicalFlag("\\Recent")), date, raw: message.value };
  },
  async handler(ctx, { name, flags, date, raw }) {
    const { store, config } = ctx.deps;
    const { runId } = ctx.session.user;
    if (raw.length > config.SANDMAIL_MAX_MESSAGE_BYTES) return no("Message is over the size limit", "TOOBIG");
    if (raw.length === 0) return no("Empty message", "CANNOT");
    const found = await findMailbox(store, ctx.session.user, name);
    if (!found) return no("Mailbox does not exist", "TRYCREATE");
    const { mailbox } = found;
    const bytes = normalizeCrlf(raw);
    try {
      const stored = await store.appendMessage(runId, {
        address: mailbox.address,
        mailbox: mailbox.name,
        raw: bytes,
        meta: indexMessage(bytes),
        flags,
        ...(date ? { internalDate: date } : {}),
      });
      return ok("APPEND completed", `APPENDUID ${mailbox.uidValidity} ${stored.uid}`);
    } catch (err) {
      if (isSandmailError(err, "quota_exceeded")) return no("The run is over its quota", "OVERQUOTA");
      if (isSandmailError(err, "mailbox_not_found")) return no("Mailbox does not exist", "TRYCREATE");
      throw err;
    }
  },
});
