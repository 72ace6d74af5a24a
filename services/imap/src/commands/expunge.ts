/** EXPUNGE, UID EXPUNGE (RFC 4315), CLOSE and UNSELECT (RFC 3691). */

import type { SeqRange } from "../protocol/sequence.js";
import { Args } from "./args.js";
import { resolveTargets } from "./targets.js";
import type { CommandContext } from "./types.js";
import { defineCommand, no, ok, SELECTED } from "./types.js";

/** Deletes the selected mailbox's \Deleted messages (within `ranges` when given); returns their UIDs. */
async function removeDeleted(ctx: CommandContext, ranges?: SeqRange[]): Promise<number[]> {
  const { runId } = ctx.session.user;
  const { mailbox } = ctx.session.selected;
  const { store } = ctx.deps;
  // The store's flags, not this session's cache: a \Deleted set elsewhere may not have arrived yet.
  const index = await store.mailboxIndex(runId, mailbox.id);
  const allowed =
    ranges && new Set(resolveTargets(ctx.session.selected, ranges, true).map((t) => t.message.uid));
  const ids: string[] = [];
  const uids: number[] = [];
  for (let i = 0; i < index.length; i++) {
    if (!index.flags(i).includes("\\Deleted") || (allowed && !allowed.has(index.uid(i)))) continue;
    ids.push(index.id(i));
    uids.push(index.uid(i));
  }
  if (ids.length === 0) return [];
  await store.deleteMessages(runId, ids);
  return uids;
}

export const expunge = defineCommand({
  name: "EXPUNGE",
  states: SELECTED,
  uid: true,
  parse(tokens, command) {
    const args = new Args(tokens, command.uid ? "UID EXPUNGE" : "EXPUNGE");
    const ranges = command.uid ? args.sequenceSet("UID set") : undefined;
    args.end();
    return ranges;
  },
  async handler(ctx, ranges) {
    const { tracker, readOnly } = ctx.session.selected;
    if (readOnly) return no("Mailbox is read-only", "READ-ONLY");
    const uids = await removeDeleted(ctx, ranges);
    // The dispatcher writes the EXPUNGE responses when this command ends.
    tracker.noteExpunged(uids);
    return ok("EXPUNGE completed");
  },
});

export const close = defineCommand({
  name: "CLOSE",
  states: SELECTED,
  parse: (tokens) => new Args(tokens, "CLOSE").end(),
  async handler(ctx) {
    // CLOSE expunges silently: the selection ends before any update is reported.
    if (!ctx.session.selected.readOnly) await removeDeleted(ctx);
    ctx.session.deselect();
    return ok("CLOSE completed");
  },
});

export const unselect = defineCommand({
  name: "UNSELECT",
  states: SELECTED,
  parse: (tokens) => new Args(tokens, "UNSELECT").end(),
  async handler(ctx) {
    ctx.session.deselect();
    return ok("UNSELECT completed");
  },
});
