import { atom, type Command } from "../protocol/ast.js";
import { findMailbox } from "../session/folders.js";
import { flagsResponses, viewFlagFacts } from "../session/keywords.js";
import { isRev2 } from "../session/revision.js";
import { ArgError, Args } from "./args.js";
import { CONDSTORE } from "./condstore.js";
import { fetchFromView } from "./fetch.js";
import { sendListLine } from "./list.js";
import {
  parseQresyncParams,
  QRESYNC,
  type QresyncParams,
  qresyncOn,
  sendVanishedEarlier,
} from "./qresync.js";
import { resolveIndexes } from "./targets.js";
import {
  AUTHENTICATED,
  bad,
  type CommandContext,
  type CommandResult,
  defineCommand,
  no,
  ok,
} from "./types.js";

interface OpenArgs {
  name: string;
  /** The name as the client wrote it (decoded, before INBOX and trailing delimiters are normalized). */
  supplied: string;
  condstore: boolean;
  qresync?: QresyncParams;
}

async function open(
  ctx: CommandContext,
  { name, supplied, condstore, qresync }: OpenArgs,
  readOnly: boolean,
): Promise<CommandResult> {
  const { store } = ctx.deps;
  // Selecting again (or failing to) leaves the previous mailbox without an EXPUNGE (RFC 3501 §6.3.1).
  // A server offering QRESYNC marks where the old mailbox's responses end (RFC 7162 §3.2.11).
  if (ctx.session.selection) ctx.send([atom("OK"), atom("[CLOSED]"), atom("Previous mailbox closed")]);
  ctx.session.deselect();
  if (qresync && !qresyncOn(ctx)) return bad("QRESYNC is not enabled");
  // SELECT (CONDSTORE) is a CONDSTORE enabling command even when the mailbox does not exist.
  if (condstore || qresync) ctx.session.enabled.add(CONDSTORE);
  const mailbox = (await findMailbox(store, ctx.session.user, name))?.mailbox;
  if (!mailbox) return no(`Mailbox does not exist: ${name}`, "NONEXISTENT");
  const tracker = await ctx.openMailbox(mailbox, readOnly);
  const { keywords, firstUnseen } = viewFlagFacts(tracker.columns, tracker.count);
  ctx.session.select({ mailbox, tracker, readOnly, keywords });
  const uidNext = Math.max(mailbox.uidNext, tracker.highestUid + 1);
  for (const response of flagsResponses(keywords, readOnly)) ctx.send(response);
  ctx.send([tracker.count, atom("EXISTS")]);
  // IMAP4rev2 dropped RECENT and the UNSEEN code from SELECT's answer (RFC 9051 §6.3.2, Appendix E).
  const rev2 = isRev2(ctx.session);
  if (!rev2) ctx.send([tracker.recentCount, atom("RECENT")]);
  if (firstUnseen && !rev2) ctx.send([atom("OK"), atom(`[UNSEEN ${firstUnseen}]`), atom("First unseen")]);
  ctx.send([atom("OK"), atom(`[UIDVALIDITY ${mailbox.uidValidity}]`), atom("UIDs valid")]);
  ctx.send([atom("OK"), atom(`[UIDNEXT ${uidNext}]`), atom("Predicted next UID")]);
  // Always sent (RFC 7162 §3.1.2.1): every mailbox keeps mod-sequences, so NOMODSEQ never applies.
  ctx.send([atom("OK"), atom(`[HIGHESTMODSEQ ${tracker.selectedModSeq}]`), atom("Highest")]);
  // RFC 9051 §6.3.2: a rev2 SELECT answers the mailbox's LIST line, with OLDNAME if it was named otherwise.
  if (rev2) await sendListLine(ctx, mailbox, supplied);
  if (qresync && qresync.uidValidity === mailbox.uidValidity) await resync(ctx, qresync);
  return ok(`${readOnly ? "EXAMINE" : "SELECT"} completed`, readOnly ? "READ-ONLY" : "READ-WRITE");
}

/**
 * What changed since the client's last visit (RFC 7162 §3.2.5.2): the UIDs gone, then a FETCH for
 * each message changed, both within the UIDs it says it knows.
 */
async function resync(ctx: CommandContext, { modSeq, knownUids }: QresyncParams): Promise<void> {
  await sendVanishedEarlier(ctx, modSeq, knownUids);
  const selection = ctx.session.selected;
  const indexes = knownUids
    ? resolveIndexes(selection, knownUids, true)
    : Array.from({ length: selection.tracker.count }, (_, i) => i);
  await fetchFromView(ctx, indexes, [{ kind: "UID" }, { kind: "FLAGS" }, { kind: "MODSEQ" }], modSeq);
}

function parse(command: string) {
  return (tokens: Parameters<typeof parseName>[0], cmd: Command) => parseName(tokens, command, cmd.utf8);
}

function parseName(tokens: ConstructorParameters<typeof Args>[0], command: string, utf8 = false): OpenArgs {
  const args = new Args(tokens, command, utf8);
  const { name, supplied } = args.namedMailbox();
  let condstore = false;
  let qresync: QresyncParams | undefined;
  if (args.remaining > 0) {
    // select-params (RFC 4466): CONDSTORE, and QRESYNC with its value list.
    const params = args.list("select parameters");
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const key = p.type === "atom" && !p.section ? p.value.toUpperCase() : "";
      if (key === CONDSTORE) condstore = true;
      // Given twice, the last one counts, as with Dovecot.
      else if (key === QRESYNC) qresync = parseQresyncParams(params[++i]);
      else throw new ArgError(`${command}: unsupported select parameter`);
    }
  }
  args.end();
  return qresync ? { name, supplied, condstore, qresync } : { name, supplied, condstore };
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
