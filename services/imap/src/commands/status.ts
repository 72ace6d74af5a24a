import type { Mailbox } from "@sandmail/core";
import { atom, type Token, type Value } from "../protocol/ast.js";
import { mailboxNameValue, UTF8_ACCEPT } from "../protocol/mailbox-name.js";
import { findMailbox, foldersOf } from "../session/folders.js";
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
  const deleted =
    items.includes("DELETED") || items.includes("DELETED-STORAGE") ? await deletedCounts(ctx, mb) : undefined;
  const values: Value[] = [];
  for (const item of items) {
    values.push(atom(item));
    if (item === "MESSAGES") values.push(mb.messages);
    else if (item === "UIDNEXT") values.push(mb.uidNext);
    else if (item === "UIDVALIDITY") values.push(mb.uidValidity);
    else if (item === "UNSEEN") values.push(mb.unseen);
    else if (item === "HIGHESTMODSEQ") values.push(mb.highestModSeq);
    else if (item === "DELETED") values.push(deleted!.messages);
    else if (item === "DELETED-STORAGE") values.push(Math.ceil(deleted!.bytes / 1024));
    else values.push(recent);
  }
  const name = foldersOf(ctx.session.user).visible(mb);
  ctx.send([atom("STATUS"), mailboxNameValue(name, ctx.session.enabled.has(UTF8_ACCEPT)), values]);
}

/** Messages no session has claimed as \Recent yet; STATUS only reads the mark, it claims nothing. */
async function recentCount(ctx: CommandContext, mb: Mailbox): Promise<number> {
  const { runId } = ctx.session.user;
  const claimed = await ctx.deps.store.claimRecent(runId, mb.id, 0);
  if (claimed >= mb.uidNext - 1) return 0;
  const index = await ctx.deps.store.mailboxIndex(runId, mb.id);
  return index.length - index.lowerBound(claimed + 1);
}

/** Messages flagged \Deleted in a mailbox, and their bytes. */
async function deletedCounts(ctx: CommandContext, mb: Mailbox): Promise<{ messages: number; bytes: number }> {
  const { runId } = ctx.session.user;
  const index = await ctx.deps.store.mailboxIndex(runId, mb.id);
  const ids: string[] = [];
  for (let i = 0; i < index.length; i++) if (index.flags(i).includes("\\Deleted")) ids.push(index.id(i));
  if (ids.length === 0) return { messages: 0, bytes: 0 };
  let bytes = 0;
  for (const m of await ctx.deps.store.getMessages(runId, ids)) bytes += m?.size ?? 0;
  return { messages: ids.length, bytes };
}
