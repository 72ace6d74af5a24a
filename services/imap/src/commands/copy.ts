/** COPY and MOVE (RFC 6851), with COPYUID (RFC 4315). */
import { atom, type Command } from "../protocol/ast.js";
import { formatSet } from "../protocol/sequence.js";
import { findMailbox } from "../session/folders.js";
import { Args } from "./args.js";
import { resolveTargets } from "./targets.js";
import { type CommandContext, type CommandResult, defineCommand, no, ok, SELECTED } from "./types.js";

function parse(command: string) {
  return (tokens: ConstructorParameters<typeof Args>[0], cmd: Command) => {
    const args = new Args(tokens, command, cmd.utf8);
    const ranges = args.sequenceSet();
    const name = args.mailbox("destination mailbox");
    args.end();
    return { ranges, name };
  };
}

async function transfer(
  ctx: CommandContext,
  move: boolean,
  { ranges, name }: ReturnType<ReturnType<typeof parse>>,
): Promise<CommandResult> {
  const verb = move ? "MOVE" : "COPY";
  const { runId } = ctx.session.user;
  const { tracker, readOnly } = ctx.session.selected;
  const { store } = ctx.deps;
  if (move && readOnly) return no("Mailbox is read-only", "READ-ONLY");
  const dest = (await findMailbox(store, ctx.session.user, name))?.mailbox;
  if (!dest) return no("Destination mailbox does not exist", "TRYCREATE");
  const targets = resolveTargets(ctx.session.selected, ranges, ctx.command.uid).filter(
    (t) => !t.message.gone,
  );
  if (targets.length === 0) return ok(`${verb} completed (no messages)`);
  const ids = targets.map((t) => t.message.messageId);
  const result = move
    ? await store.moveMessages(runId, ids, dest.id)
    : await store.copyMessages(runId, ids, dest.id);
  const uidOf = new Map(targets.map((t) => [t.message.messageId, t.message.uid]));
  const pairs = result.mapping
    .map((m) => ({ from: uidOf.get(m.messageId) ?? m.uid, to: m.newUid }))
    .sort((a, b) => a.from - b.from);
  if (pairs.length === 0) return no(`${verb} failed: the messages no longer exist`, "EXPUNGEISSUED");
  const code = `COPYUID ${result.uidValidity} ${formatSet(pairs.map((p) => p.from))} ${formatSet(pairs.map((p) => p.to))}`;
  if (!move) return ok("COPY completed", code);
  // RFC 6851: COPYUID goes in an untagged OK before the EXPUNGEs the dispatcher reports next.
  ctx.send([atom("OK"), atom(`[${code}]`), atom("Moved")]);
  tracker.noteExpunged(pairs.map((p) => p.from));
  return ok("MOVE completed");
}

export const copy = defineCommand({
  name: "COPY",
  states: SELECTED,
  uid: true,
  parse: parse("COPY"),
  handler: (ctx, a) => transfer(ctx, false, a),
});

export const move = defineCommand({
  name: "MOVE",
  states: SELECTED,
  uid: true,
  parse: parse("MOVE"),
  handler: (ctx, a) => transfer(ctx, true, a),
});
