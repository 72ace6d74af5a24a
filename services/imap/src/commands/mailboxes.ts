/** CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE: folder management over the store. */
import { isSandmailError } from "@sandmail/core";
import type { Command } from "../protocol/ast.js";
import { DELIMITER } from "../protocol/mailbox-name.js";
import { foldersOf, type Place } from "../session/folders.js";
import { isRev2 } from "../session/revision.js";
import { Args } from "./args.js";
import { sendListLine } from "./list.js";
import { AUTHENTICATED, type CommandContext, type CommandResult, defineCommand, no, ok } from "./types.js";

const oneName = (command: string) => (tokens: ConstructorParameters<typeof Args>[0], cmd: Command) => {
  const args = new Args(tokens, command, cmd.utf8);
  const named = args.namedMailbox();
  args.end();
  return named;
};

/**
 * IMAP4rev2: a mailbox created or renamed under a name other than the one the client wrote is
 * announced with its LIST line and `OLDNAME` (RFC 9051 §6.3.4, §6.3.6), so the client learns it.
 */
async function announceNormalized(ctx: CommandContext, where: Place, supplied: string): Promise<void> {
  if (!isRev2(ctx.session)) return;
  const mailbox = await ctx.deps.store.getMailbox(ctx.session.user.runId, where.address, where.name);
  if (mailbox && foldersOf(ctx.session.user).visible(mailbox) !== supplied)
    await sendListLine(ctx, mailbox, supplied);
}

/** The store place of a name, or the NO that explains why the run-wide view has none. */
async function place(ctx: CommandContext, name: string): Promise<Place | CommandResult> {
  const folders = foldersOf(ctx.session.user);
  const found = folders.locate(name);
  if (!found) return no("Folders live under an inbox address: <address>/<folder>", "CANNOT");
  if (folders.runWide) {
    const inboxes = await ctx.deps.store.listInboxes(ctx.session.user.runId);
    if (!inboxes.some((i) => i.address === found.address))
      return no("No such inbox in this run", "NONEXISTENT");
  }
  return found;
}

const isPlace = (p: Place | CommandResult): p is Place => "address" in p;

/** A command on one mailbox name that must resolve to a store place before anything else. */
const placeCommand = (
  name: string,
  act: (ctx: CommandContext, where: Place, runId: string, supplied: string) => Promise<CommandResult>,
) =>
  defineCommand({
    name,
    states: AUTHENTICATED,
    parse: oneName(name),
    async handler(ctx, { name: visibleName, supplied }) {
      const where = await place(ctx, visibleName);
      return isPlace(where) ? act(ctx, where, ctx.session.user.runId, supplied) : where;
    },
  });

export const create = placeCommand("CREATE", async (ctx, where, runId, supplied) => {
  const { address, name } = where;
  const { store } = ctx.deps;
  if (name === "INBOX") return no("INBOX always exists", "ALREADYEXISTS");
  if (name.split(DELIMITER).some((p) => p === "")) return no("Empty hierarchy level in name", "CANNOT");
  if (await store.getMailbox(runId, address, name)) return no("Mailbox already exists", "ALREADYEXISTS");
  // The store creates missing superior levels too, as RFC 3501 §6.3.3 asks.
  await store.createMailbox(runId, address, name);
  await announceNormalized(ctx, where, supplied);
  return ok("CREATE completed");
});

export const del = placeCommand("DELETE", async (ctx, { address, name }, runId) => {
  const { store } = ctx.deps;
  if (name === "INBOX") return no("INBOX cannot be deleted", "CANNOT");
  const all = await store.listMailboxes(runId, address);
  const target = all.find((m) => m.name === name);
  if (!target) return no("Mailbox does not exist", "NONEXISTENT");
  if (all.some((m) => m.name.startsWith(name + DELIMITER))) {
    return no("Mailbox has children; delete them first", "INUSE");
  }
  if (ctx.session.selection?.mailbox.id === target.id) ctx.session.deselect();
  await store.deleteMailbox(runId, address, name);
  return ok("DELETE completed");
});

export const rename = defineCommand({
  name: "RENAME",
  states: AUTHENTICATED,
  parse(tokens, cmd) {
    const args = new Args(tokens, "RENAME", cmd.utf8);
    const from = args.mailbox("existing mailbox name");
    const { name: to, supplied } = args.namedMailbox("new mailbox name");
    args.end();
    return { from, to, supplied };
  },
  async handler(ctx, names) {
    const from = await place(ctx, names.from);
    if (!isPlace(from)) return from;
    const to = await place(ctx, names.to);
    if (!isPlace(to)) return to;
    if (from.address !== to.address) return no("Folders cannot move between inboxes", "CANNOT");
    const { runId } = ctx.session.user;
    const { store } = ctx.deps;
    const { address } = from;
    if (!(await store.getMailbox(runId, address, from.name)))
      return no("Mailbox does not exist", "NONEXISTENT");
    if (to.name === "INBOX" || (await store.getMailbox(runId, address, to.name))) {
      return no("Target mailbox already exists", "ALREADYEXISTS");
    }
    if (to.name.startsWith(from.name + DELIMITER)) return no("Cannot move a mailbox into itself", "CANNOT");
    await store.renameMailbox(runId, address, from.name, to.name);
    await announceNormalized(ctx, to, names.supplied);
    return ok("RENAME completed");
  },
});

export const subscribe = placeCommand("SUBSCRIBE", async (ctx, { address, name }, runId) => {
  if (!(await ctx.deps.store.getMailbox(runId, address, name)))
    return no("Mailbox does not exist", "NONEXISTENT");
  await ctx.deps.store.setSubscribed(runId, address, name, true);
  return ok("SUBSCRIBE completed");
});

export const unsubscribe = defineCommand({
  name: "UNSUBSCRIBE",
  states: AUTHENTICATED,
  parse: oneName("UNSUBSCRIBE"),
  async handler(ctx, { name: visibleName }) {
    const where = foldersOf(ctx.session.user).locate(visibleName);
    if (!where) return ok("UNSUBSCRIBE completed");
    try {
      await ctx.deps.store.setSubscribed(ctx.session.user.runId, where.address, where.name, false);
    } catch (err) {
      if (!isSandmailError(err, "mailbox_not_found")) throw err;
    }
    return ok("UNSUBSCRIBE completed");
  },
});
