import type { FlagOperation } from "@sandmail/store";
import { atom, type Value } from "../protocol/ast.js";
import { ArgError, Args, flagList } from "./args.js";
import { resolveTargets } from "./targets.js";
import { defineCommand, no, ok, SELECTED } from "./types.js";

export default defineCommand({
  name: "STORE",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse(tokens) {
    const args = new Args(tokens, "STORE");
    const ranges = args.sequenceSet();
    const item = args.atom("data item").toUpperCase();
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
    if (!m) throw new ArgError("STORE: expected FLAGS, +FLAGS or -FLAGS (CONDSTORE is not offered)");
    const op: FlagOperation = m[1] === "+" ? "add" : m[1] === "-" ? "remove" : "set";
    const flags = flagList(args.remaining === 1 ? args.listOrAtom("flags") : args.rest(), "STORE");
    args.end();
    return { ranges, op, silent: Boolean(m[2]), flags: flags.filter((f) => f !== "\\Recent") };
  },
  async handler(ctx, { ranges, op, silent, flags }) {
    const { tracker, readOnly } = ctx.session.selected;
    if (readOnly) return no("Mailbox is read-only", "READ-ONLY");
    const byUid = ctx.command.uid;
    const targets = resolveTargets(tracker, ranges, byUid);
    if (targets.length === 0) return ok("STORE completed");
    const { runId } = ctx.session.user;
    const result = await ctx.deps.store.updateFlags(
      runId,
      targets.map((t) => t.message.messageId),
      { op, flags },
    );
    for (const u of result.updated) tracker.noteFlags(u.uid, u.flags, u.modSeq);
    if (!silent) {
      for (const t of targets) {
        if (t.message.gone) continue;
        const items: Value[] = [atom("FLAGS"), t.message.flags.map((f) => atom(f))];
        if (byUid) items.unshift(atom("UID"), t.message.uid);
        ctx.send([t.seq, atom("FETCH"), items]);
      }
    }
    return ok("STORE completed");
  },
});
