/**
 * APPEND, with MULTIAPPEND (RFC 3502): `APPEND mailbox 1*([flags] [date-time] literal)`. Every
 * message is checked before the store is asked, and several messages are stored with the store's
 * one atomic multi-message step (appendDelivery with an empty shared body: each message is a
 * copy's own head), so a bad message or a quota that cannot hold them all stores none of them.
 * The whole command is bounded by the framer's command limit (APPENDLIMIT + 1 MiB). A message
 * sent as literal8 (`~{n}`, BINARY) is stored as sent. A CATENATE message (catenate.ts) is put
 * together from its parts first, so MULTIAPPEND's all-or-none holds for it too.
 */
import { randomUUID } from "node:crypto";
import { isSandmailError } from "@sandmail/core";
import { indexMessage, normalizeCrlf } from "@sandmail/mime";
import { TimeSlicer } from "../content/index.js";
import type { Command, Token } from "../protocol/ast.js";
import { formatSet } from "../protocol/sequence.js";
import { findMailbox } from "../session/folders.js";
import { ArgError, Args, canonicalFlag, flagList, parseDateTime, tokenText } from "./args.js";
import { type CatPart, catenate, parseCatenate } from "./catenate.js";
import { AUTHENTICATED, COMMAND_SLACK_BYTES, defineCommand, no, ok } from "./types.js";

interface AppendItem {
  flags: string[];
  date?: Date;
  raw: Buffer;
  /** CATENATE (RFC 4469): the parts `raw` is made of, read when the command runs. */
  parts?: CatPart[];
  /** Sent as literal8 (BINARY, RFC 3516): kept byte for byte, bare LFs of binary data included. */
  binary: boolean;
}

const EMPTY = Buffer.alloc(0);

function parseAppend(tokens: Token[], command: Command): { name: string; items: AppendItem[] } {
  const args = new Args(tokens, "APPEND", command.utf8);
  const name = args.mailbox();
  const items: AppendItem[] = [];
  do {
    let flags: string[] = [];
    let date: Date | undefined;
    if (args.peek()?.type === "list") flags = flagList(args.list("flags"), "APPEND");
    const maybeDate = args.peek();
    if (maybeDate?.type === "string" && !maybeDate.literal) {
      date = parseDateTime(tokenText(args.next("date"), "APPEND date"));
      if (!date) throw new ArgError("APPEND: invalid date-time");
    }
    const recent = canonicalFlag("\\Recent");
    const item = { flags: flags.filter((f) => f !== recent), ...(date ? { date } : {}) };
    const parts = parseCatenate(args);
    if (parts) {
      // Put together by catenate(), which normalizes its text parts itself.
      items.push({ ...item, raw: EMPTY, parts, binary: true });
      continue;
    }
    const message = utf8Data(args, command) ?? args.next("message literal");
    if (message.type !== "string" || !message.literal)
      throw new ArgError("APPEND: message must be a literal");
    items.push({ ...item, raw: message.value, binary: message.binary === true });
  } while (args.remaining > 0);
  args.end();
  return { name, items };
}

/**
 * RFC 6855 §4's `UTF8 (literal8)`: a message whose header fields may hold UTF-8, taken once the
 * client enabled UTF8=ACCEPT (before that the atom is a syntax error, as the grammar has it).
 */
function utf8Data(args: Args, command: Command): Token | undefined {
  const next = args.peek();
  if (next?.type !== "atom" || next.section || next.value.toUpperCase() !== "UTF8") return undefined;
  if (!command.utf8) throw new ArgError("APPEND: UTF8 data needs ENABLE UTF8=ACCEPT first");
  args.next("UTF8");
  const inner = args.list("UTF8 data");
  const only = inner[0];
  if (inner.length !== 1 || only?.type !== "string" || !only.binary)
    throw new ArgError("APPEND: UTF8 data is one literal8 in parentheses");
  return only;
}

export default defineCommand({
  name: "APPEND",
  states: AUTHENTICATED,
  parse: parseAppend,
  async handler(ctx, { name, items }) {
    const { store, config } = ctx.deps;
    const { runId } = ctx.session.user;
    // URL parts are not literals the framer counted: the command's limit holds for them too.
    let total = 0;
    for (const item of items) {
      if (item.parts) {
        const made = await catenate(ctx, item.parts, config.SANDMAIL_MAX_MESSAGE_BYTES);
        if (!Buffer.isBuffer(made)) return made;
        item.raw = made;
      }
      total += item.raw.length;
      if (total > config.SANDMAIL_MAX_MESSAGE_BYTES + COMMAND_SLACK_BYTES)
        return no("The messages are over the command's size limit", "TOOBIG");
    }
    for (const { raw } of items) {
      if (raw.length > config.SANDMAIL_MAX_MESSAGE_BYTES)
        return no("Message is over the size limit", "TOOBIG");
      if (raw.length === 0) return no("Empty message", "CANNOT");
    }
    const found = await findMailbox(store, ctx.session.user, name);
    if (!found) return no("Mailbox does not exist", "TRYCREATE");
    const { mailbox } = found;
    const target = { address: mailbox.address, mailbox: mailbox.name };
    // Indexing is synchronous: other connections get turns between the messages.
    const slicer = new TimeSlicer();
    const inputs = [];
    for (const { flags, date, raw, binary } of items) {
      if (slicer.due()) await slicer.pause();
      const bytes = binary ? raw : normalizeCrlf(raw);
      inputs.push({
        ...target,
        bytes,
        meta: indexMessage(bytes),
        flags,
        ...(date ? { internalDate: date } : {}),
      });
    }
    try {
      const stored =
        inputs.length === 1
          ? [await store.appendMessage(runId, { ...inputs[0]!, raw: inputs[0]!.bytes })]
          : await store.appendDelivery(runId, {
              deliveryId: `imap-${randomUUID()}`,
              body: EMPTY,
              copies: inputs.map(({ bytes, ...copy }) => ({ ...copy, head: bytes })),
            });
      const uids = formatSet(stored.map((m) => m.uid));
      return ok("APPEND completed", `APPENDUID ${mailbox.uidValidity} ${uids}`);
    } catch (err) {
      if (isSandmailError(err, "quota_exceeded")) return no("The run is over its quota", "OVERQUOTA");
      if (isSandmailError(err, "mailbox_not_found")) return no("Mailbox does not exist", "TRYCREATE");
      throw err;
    }
  },
});
