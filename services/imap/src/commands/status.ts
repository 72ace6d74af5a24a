import { atom, type Value } from "../protocol/ast.js";
import { encodeMailboxName } from "../protocol/mailbox-name.js";
import { ArgError, Args } from "./args.js";
import { enableCondstore } from "./condstore.js";
import { AUTHENTICATED, defineCommand, no, ok } from "./types.js";

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
    const { runId, address } = ctx.session.user;
    // STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command (RFC 7162 §3.1).
    if (items.includes("HIGHESTMODSEQ")) enableCondstore(ctx);
    const mb = await ctx.deps.store.getMailbox(runId, address, name);
    if (!mb) return no("Mailbox does not exist", "NONEXISTENT");
    const values: Value[] = [];
    for (const item of items) {
      values.push(atom(item));
      if (item === "MESSAGES") values.push(mb.messages);
      else if (item === "UIDNEXT") values.push(mb.uidNext);
      else if (item === "UIDVALIDITY") values.push(mb.uidValidity);
      else if (item === "UNSEEN") values.push(mb.unseen);
      else if (item === "HIGHESTMODSEQ") values.push(mb.highestModSeq);
      // \Recent is claimed by the session that selects the mailbox; STATUS claims nothing.
      else values.push(0);
    }
    ctx.send([atom("STATUS"), encodeMailboxName(mb.name), values]);
    return ok("STATUS completed");
  },
});
