import { atom, type Command } from "../protocol/ast.js";
import { findMailbox } from "../session/folders.js";
import { flagsResponses, viewFlagFacts } from "../session/keywords.js";
import { ArgError, Args } from "./args.js";
import { CONDSTORE } from "./condstore.js";
import { AUTHENTICATED, type CommandContext, type CommandResult, defineCommand, no, ok } from "./types.js";

interface OpenArgs {
  name: string;
  condstore: boolean;
}

async function open(
  ctx: CommandContext,
  { name, condstore }: OpenArgs,
  readOnly: boolean,
): Promise<CommandResult> {
  const { store } = ctx.deps;
  // Selecting again (or failing to) leaves the previous mailbox without an EXPUNGE (RFC 3501 §6.3.1).
  ctx.session.deselect();
  // SELECT (CONDSTORE) is a CONDSTORE enabling command even when the mailbox does not exist.
  if (condstore) ctx.session.enabled.add(CONDSTORE);
  const mailbox = (await findMailbox(store, ctx.session.user, name))?.mailbox;
  if (!mailbox) return no(`Mailbox does not exist: ${name}`, "NONEXISTENT");
  const tracker = await ctx.openMailbox(mailbox, readOnly);
  const { keywords, firstUnseen } = viewFlagFacts(tracker.columns, tracker.count);
  ctx.session.select({ mailbox, tracker, readOnly, keywords });
  const uidNext = Math.max(mailbox.uidNext, tracker.highestUid + 1);
  for (const response of flagsResponses(keywords, readOnly)) ctx.send(response);
  ctx.send([tracker.count, atom("EXISTS")]);
  ctx.send([tracker.recentCount, atom("RECENT")]);
  if (firstUnseen) ctx.send([atom("OK"), atom(`[UNSEEN ${firstUnseen}]`), atom("First unseen")]);
  ctx.send([atom("OK"), atom(`[UIDVALIDITY ${mailbox.uidValidity}]`), atom("UIDs valid")]);
  ctx.send([atom("OK"), atom(`[UIDNEXT ${uidNext}]`), atom("Predicted next UID")]);
  // Always sent (RFC 7162 §3.1.2.1): every mailbox keeps mod-sequences, so NOMODSEQ never applies.
  ctx.send([atom("OK"), atom(`[HIGHESTMODSEQ ${tracker.selectedModSeq}]`), atom("Highest")]);
  return ok(`${readOnly ? "EXAMINE" : "SELECT"} completed`, readOnly ? "READ-ONLY" : "READ-WRITE");
}

function parse(command: string) {
  return (tokens: Parameters<typeof parseName>[0], cmd: Command) => parseName(tokens, command, cmd.utf8);
}

function parseName(tokens: ConstructorParameters<typeof Args>[0], command: string, utf8 = false): OpenArgs {
  const args = new Args(tokens, command, utf8);
  const name = args.mailbox();
  let condstore = false;
  if (args.remaining > 0) {
    // select-params (RFC 4466): only CONDSTORE is offered; QRESYNC is not.
    for (const p of args.list("select parameters")) {
      if (p.type !== "atom" || p.section || p.value.toUpperCase() !== CONDSTORE) {
        throw new ArgError(`${command}: unsupported select parameter`);
      }
      condstore = true;
    }
  }
  args.end();
  return { name, condstore };
}

export const select = defineCommand({
  name: "SELECT",
  states: AUTHENTICATED,
  parse: parse("SELECT"),
  handler: (ctx, a) => open(ctx, a, false),
});

export const examine = defineCommand({
  name: "EXAMINE",
  states: AUTHENTICATED,
  parse: parse("EXAMINE"),
  handler: (ctx, a) => open(ctx, a, true),
});
