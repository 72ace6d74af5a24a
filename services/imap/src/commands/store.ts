/** STORE and UID STORE, with CONDSTORE's UNCHANGEDSINCE modifier (RFC 7162 §3.1.3). */
import type { FlagOperation, UpdateFlagsResult } from "@sandmail/store";
import { TimeSlicer } from "../content/index.js";
import { atom, type Value } from "../protocol/ast.js";
import { formatSet } from "../protocol/sequence.js";
import { announceKeywords, flagValues } from "../session/keywords.js";
import { showsRecent } from "../session/revision.js";
import { ArgError, Args, flagList } from "./args.js";
import { condstoreOn, enableCondstore, modifierPairs, modSeqArg } from "./condstore.js";
import { resolveTargets } from "./targets.js";
import { defineCommand, no, ok, SELECTED } from "./types.js";

/**
 * Messages per store call. A STORE over a whole large mailbox is cut into batches so the event
 * loop is not held for the whole update (each message is changed, and checked against
 * UNCHANGEDSINCE, on its own either way: RFC 3501 does not make a STORE atomic across messages).
 */
const BATCH = 256;

export default defineCommand({
  name: "STORE",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse(tokens) {
    const args = new Args(tokens, "STORE");
    const ranges = args.sequenceSet();
    let unchangedSince: number | undefined;
    if (args.peek()?.type === "list") {
      for (const [name, value] of modifierPairs(args.list("STORE modifiers"), "STORE")) {
        if (name !== "UNCHANGEDSINCE") throw new ArgError(`STORE: unsupported modifier ${name.slice(0, 20)}`);
        unchangedSince = modSeqArg(value, "STORE UNCHANGEDSINCE", true);
      }
    }
    const item = args.atom("data item").toUpperCase();
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
    if (!m) throw new ArgError("STORE: expected FLAGS, +FLAGS or -FLAGS");
    const op: FlagOperation = m[1] === "+" ? "add" : m[1] === "-" ? "remove" : "set";
    const flags = flagList(args.remaining === 1 ? args.listOrAtom("flags") : args.rest(), "STORE");
    args.end();
    return {
      ranges,
      op,
      silent: Boolean(m[2]),
      flags: flags.filter((f) => f !== "\\Recent"),
      unchangedSince,
    };
  },
  async handler(ctx, { ranges, op, silent, flags, unchangedSince }) {
    const selection = ctx.session.selected;
    const { tracker, readOnly } = selection;
    if (unchangedSince !== undefined) enableCondstore(ctx);
    if (readOnly) return no("Mailbox is read-only", "READ-ONLY");
    const byUid = ctx.command.uid;
    const targets = resolveTargets(selection, ranges, byUid);
    if (targets.length === 0) return ok("STORE completed");
    const { runId } = ctx.session.user;
    // A message known to be gone (expunged or moved away, maybe by another process) keeps its id
    // in the store when moved: changing it would change the message in its new folder.
    const live = targets.filter((t) => !t.message.gone);
    if (live.length === 0) return ok("STORE completed");
    const slicer = new TimeSlicer();
    const result: UpdateFlagsResult = { updated: [], conflicts: [] };
    const input = { op, flags, ...(unchangedSince !== undefined ? { unchangedSince } : {}) };
    for (let start = 0; start < live.length; start += BATCH) {
      const ids = live.slice(start, start + BATCH).map((t) => t.message.messageId);
      const batch = await ctx.deps.store.updateFlags(runId, ids, input);
      result.updated.push(...batch.updated);
      result.conflicts.push(...batch.conflicts);
      if (slicer.due()) await slicer.pause();
    }
    for (const u of result.updated) {
      tracker.noteFlags(u.uid, u.flags, u.modSeq);
      // Announced even for .SILENT: the mailbox's flag set changed (Dovecot does the same).
      for (const response of announceKeywords(selection, u.flags)) ctx.send(response);
      if (slicer.due()) await slicer.pause();
    }
    const condstore = condstoreOn(ctx);
    const updated = new Set(result.updated.map((u) => u.messageId));
    const conflicts = new Set(result.conflicts);
    for (const t of targets) {
      // Read again: noteFlags above changed what the view holds for it.
      const m = tracker.byUid(t.message.uid) ?? t.message;
      if (m.gone || conflicts.has(m.messageId)) continue;
      // RFC 7162 §3.2: with CONDSTORE on, even .SILENT reports the new MODSEQ of what changed.
      if (silent && !(condstore && updated.has(m.messageId))) continue;
      const items: Value[] = [];
      if (byUid || condstore) items.push(atom("UID"), m.uid);
      if (!silent) items.push(atom("FLAGS"), flagValues(m.flags, m.recent && showsRecent(ctx.session)));
      if (condstore) items.push(atom("MODSEQ"), [m.modSeq]);
      ctx.send([t.seq, atom("FETCH"), items]);
      if (slicer.due()) await slicer.pause();
    }
    if (conflicts.size > 0) {
      const failed = targets
        .filter((t) => conflicts.has(t.message.messageId))
        .map((t) => (byUid ? t.message.uid : t.seq));
      return ok("Conditional STORE failed", `MODIFIED ${formatSet(failed)}`);
    }
    return ok("STORE completed");
  },
});
