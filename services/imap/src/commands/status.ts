import type { Mailbox } from "@sandmail/core";
import { atom, type Token, type Value } from "../protocol/ast.js";
import { mailboxNameValue } from "../protocol/mailbox-name.js";
import { findMailbox, foldersOf } from "../session/folders.js";
import { utf8Names } from "../session/revision.js";
import { ArgError, Args } from "./args.js";
import { enableCondstore } from "./condstore.js";
import { AUTHENTICATED, type CommandContext, defineCommand, no, ok } from "./types.js";

const ITEMS = new Set([
  "MESSAGES",
  "RECENT",
  "UIDNEXT",
  "UIDVALIDITY",
  "UNSEEN",
  "HIGHESTMODSEQ",
  // RFC 9208 §4.2 (with QUOTA=RES-MESSAGE / QUOTA=RES-STORAGE): what an EXPUNGE would free.
  "DELETED",
  "DELETED-STORAGE",
  // RFC 8438 (STATUS=SIZE, part of IMAP4rev2): the mailbox's total octets.
  "SIZE",
]);

/** A status-att list as STATUS and LIST ... RETURN (STATUS (...)) (RFC 5819) take it. */
export function statusItems(tokens: Token[], command: string): string[] {
  if (tokens.length === 0) throw new ArgError(`${command}: empty status item list`);
  return tokens.map((t) => {
    const v = t.type === "atom" && !t.section ? t.value.toUpperCase() : "";
    if (!ITEMS.has(v)) throw new ArgError(`${command}: unknown status item`);
    return v;
  });
}

export default defineCommand({
  name: "STATUS",
  states: AUTHENTICATED,
  parse(tokens, cmd) {
    const args = new Args(tokens, "STATUS", cmd.utf8);
    const name = args.mailbox();
    const items = statusItems(args.list("status items"), "STATUS");
    args.end();
    return { name, items };
  },
  async handler(ctx, { name, items }) {
    const mb = (await findMailbox(ctx.deps.store, ctx.session.user, name))?.mailbox;
    if (!mb) return no("Mailbox does not exist", "NONEXISTENT");
    await sendStatus(ctx, mb, items);
    return ok("STATUS completed");
  },
});

/** Writes `* STATUS <name> (<items>)` for a mailbox (STATUS, and LIST-STATUS after each LIST). */
export async function sendStatus(ctx: CommandContext, mb: Mailbox, items: readonly string[]): Promise<void> {
  // STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command (RFC 7162 §3.1).
  if (items.includes("HIGHESTMODSEQ")) enableCondstore(ctx);
  const recent = items.includes("RECENT") ? await recentCount(ctx, mb) : 0;
  const withSize = items.includes("SIZE");
  const sizes =
    withSize || items.includes("DELETED") || items.includes("DELETED-STORAGE")
      ? await sizeCounts(ctx, mb, withSize)
      : undefined;
  const values: Value[] = [];
  for (const item of items) {
    values.push(atom(item));
    if (item === "MESSAGES") values.push(mb.messages);
    else if (item === "UIDNEXT") values.push(mb.uidNext);
    else if (item === "UIDVALIDITY") values.push(mb.uidValidity);
    else if (item === "UNSEEN") values.push(mb.unseen);
    else if (item === "HIGHESTMODSEQ") values.push(mb.highestModSeq);
    else if (item === "DELETED") values.push(sizes!.deleted);
    else if (item === "DELETED-STORAGE") values.push(Math.ceil(sizes!.deletedBytes / 1024));
    else if (item === "SIZE") values.push(sizes!.bytes);
    else values.push(recent);
  }
  const name = foldersOf(ctx.session.user).visible(mb);
  ctx.send([atom("STATUS"), mailboxNameValue(name, utf8Names(ctx.session)), values]);
}

/** Messages no session has claimed as \Recent yet; STATUS only reads the mark, it claims nothing. */
async function recentCount(ctx: CommandContext, mb: Mailbox): Promise<number> {
  const { runId } = ctx.session.user;
  const claimed = await ctx.deps.store.claimRecent(runId, mb.id, 0);
  if (claimed >= mb.uidNext - 1) return 0;
  const index = await ctx.deps.store.mailboxIndex(runId, mb.id);
  return index.length - index.lowerBound(claimed + 1);
}

/**
 * Messages flagged \Deleted in a mailbox and their bytes; with `all`, also every message's bytes
 * (STATUS SIZE). Only the messages whose size is needed are read.
 */
async function sizeCounts(
  ctx: CommandContext,
  mb: Mailbox,
  all: boolean,
): Promise<{ deleted: number; deletedBytes: number; bytes: number }> {
  const { runId } = ctx.session.user;
  const index = await ctx.deps.store.mailboxIndex(runId, mb.id);
  const ids: string[] = [];
  const deleted: boolean[] = [];
  for (let i = 0; i < index.length; i++) {
    const isDeleted = index.flags(i).includes("\\Deleted");
    if (!all && !isDeleted) continue;
    ids.push(index.id(i));
    deleted.push(isDeleted);
  }
  const out = { deleted: deleted.filter(Boolean).length, deletedBytes: 0, bytes: 0 };
  if (ids.length === 0) return out;
  const messages = await ctx.deps.store.getMessages(runId, ids);
  messages.forEach((m, i) => {
    const size = m?.size ?? 0;
    out.bytes += size;
    if (deleted[i]) out.deletedBytes += size;
  });
  return out;
}
