import type { Mailbox } from "@sandmail/core";
import { atom, type Value } from "../protocol/ast.js";
import { encodeMailboxName } from "../protocol/mailbox-name.js";
import { findMailbox, foldersOf } from "../session/folders.js";
import { ArgError, Args } from "./args.js";
import { enableCondstore } from "./condstore.js";
import { AUTHENTICATED, type CommandContext, defineCommand, no, ok } from "./types.js";

const ITEMS = new Set(["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ"]);

export default defineCommand({
  name: "STATUS",
  states: AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "STATUS");
    const name = args.mailbox();
    const items = args.list("status items").map((t) => {
      const v = t.type === "atom" ? t.value.toUpperCase() : "";
      if (!ITEMS.has(v)) throw new ArgError("STATUS: unknown status item");
      return v;
    });
    args.end();
    return { name, items };
  },
  async handler(ctx, { name, items }) {
    // STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command (RFC 7162 §3.1).
    if (items.includes("HIGHESTMODSEQ")) enableCondstore(ctx);
    const mb = (await findMailbox(ctx.deps.store, ctx.session.user, name))?.mailbox;
    if (!mb) return no("Mailbox does not exist", "NONEXISTENT");
    const recent = items.includes("RECENT") ? await recentCount(ctx, mb) : 0;
    const values: Value[] = [];
    for (const item of items) {
      values.push(atom(item));
      if (item === "MESSAGES") values.push(mb.messages);
      else if (item === "UIDNEXT") values.push(mb.uidNext);
      else if (item === "UIDVALIDITY") values.push(mb.uidValidity);
      else if (item === "UNSEEN") values.push(mb.unseen);
      else if (item === "HIGHESTMODSEQ") values.push(mb.highestModSeq);
      else values.push(recent);
    }
    ctx.send([atom("STATUS"), encodeMailboxName(foldersOf(ctx.session.user).visible(mb)), values]);
    return ok("STATUS completed");
  },
});

/** Messages no session has claimed as \Recent yet; STATUS only reads the mark, it claims nothing. */
async function recentCount(ctx: CommandContext, mb: Mailbox): Promise<number> {
  const { runId } = ctx.session.user;
  const claimed = await ctx.deps.store.claimRecent(runId, mb.id, 0);
  if (claimed >= mb.uidNext - 1) return 0;
  const index = await ctx.deps.store.mailboxIndex(runId, mb.id);
  return index.length - index.lowerBound(claimed + 1);
}
