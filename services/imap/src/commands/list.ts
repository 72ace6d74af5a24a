/**
 * LIST, LSUB and XLIST over the folders the session sees (session/folders.ts). Special-use attributes are always
 * included (RFC 6154 allows it), so `LIST "" "*" RETURN (SPECIAL-USE)` needs no other option.
 */
import type { Mailbox } from "@sandmail/core";
import { byFolderName } from "@sandmail/store";
import { TimeSlicer } from "../content/index.js";
import { atom, type Command, type Token, type Value } from "../protocol/ast.js";
import { listMatcher } from "../protocol/list-pattern.js";
import { DELIMITER, decodeListPattern, mailboxNameValue } from "../protocol/mailbox-name.js";
import { foldersOf, type VisibleFolder } from "../session/folders.js";
import { utf8Names } from "../session/revision.js";
import { ArgError, Args, tokenText } from "./args.js";
import { sendStatus, statusItems } from "./status.js";
import { AUTHENTICATED, type CommandContext, defineCommand, ok } from "./types.js";

interface ListArgs {
  reference: string;
  patterns: string[];
  /** LIST-EXTENDED syntax was used (RFC 5258): `\\Subscribed` and empty patterns follow it. */
  extended: boolean;
  select: { subscribed: boolean; specialUse: boolean; recursive: boolean };
  returns: { subscribed: boolean; status?: string[] };
}

const SELECTION = new Set(["SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"]);

function optionName(t: Token, command: string): string {
  if (t.type !== "atom" || t.section) throw new ArgError(`${command}: options must be atoms`);
  return t.value.toUpperCase();
}

/**
 * `LIST [(selection)] reference pattern-or-(patterns) [RETURN (options)]` (RFC 5258, 5819, 6154).
 * REMOTE is accepted and means nothing: there are no remote mailboxes. Repeated options are
 * accepted, and a repeated STATUS replaces the earlier one, as Dovecot does.
 */
function parseList(command: string, allowExtended: boolean) {
  return (tokens: Token[], cmd: Command): ListArgs => {
    const args = new Args(tokens, command, cmd.utf8);
    const utf8 = cmd.utf8 === true;
    const select = { subscribed: false, specialUse: false, recursive: false };
    const returns: ListArgs["returns"] = { subscribed: false };
    let extended = false;
    if (allowExtended && args.peek()?.type === "list") {
      extended = true;
      for (const opt of args.list("selection options")) {
        const name = optionName(opt, command);
        if (!SELECTION.has(name)) throw new ArgError(`${command}: unknown selection option`);
        if (name === "SUBSCRIBED") select.subscribed = true;
        else if (name === "SPECIAL-USE") select.specialUse = true;
        else if (name === "RECURSIVEMATCH") select.recursive = true;
      }
      if (select.recursive && !select.subscribed && !select.specialUse) {
        throw new ArgError(`${command}: RECURSIVEMATCH needs another selection option`);
      }
    }
    const reference = decodeListPattern(args.astring("reference"), utf8);
    const t = args.next("mailbox pattern");
    let patterns: string[];
    if (t.type === "list" && allowExtended) {
      extended = true;
      patterns = t.items.map((i) => decodeListPattern(tokenText(i, `${command} pattern`), utf8));
    } else {
      patterns = [decodeListPattern(tokenText(t, `${command} pattern`), utf8)];
    }
    if (allowExtended && args.remaining > 0) {
      extended = true;
      if (args.atom("RETURN").toUpperCase() !== "RETURN") throw new ArgError(`${command}: expected RETURN`);
      const options = args.list("return options");
      for (let i = 0; i < options.length; i++) {
        const name = optionName(options[i]!, command);
        if (name === "SUBSCRIBED") returns.subscribed = true;
        else if (name === "STATUS") {
          const items = options[++i];
          if (items?.type !== "list") throw new ArgError(`${command}: STATUS needs a list of items`);
          returns.status = statusItems(items.items, command);
        } else if (name !== "SPECIAL-USE" && name !== "CHILDREN") {
          throw new ArgError(`${command}: unknown return option`);
        }
      }
    }
    args.end();
    if (select.subscribed) returns.subscribed = true;
    return { reference, patterns, extended, select, returns };
  };
}

/**
 * Names that have at least one folder below them. Built in one pass over the names (each name
 * adds its ancestors, stopping at the first one already known), so LIST over thousands of
 * folders does not compare every folder with every other.
 */
async function parentNames(all: readonly { name: string }[], slicer: TimeSlicer): Promise<Set<string>> {
  const parents = new Set<string>();
  for (const { name } of all) {
    if (slicer.due()) await slicer.pause();
    let cut = name.lastIndexOf(DELIMITER);
    while (cut > 0) {
      const parent = name.slice(0, cut);
      if (parents.has(parent)) break;
      parents.add(parent);
      cut = name.lastIndexOf(DELIMITER, cut - 1);
    }
  }
  return parents;
}

function attributes(
  folder: VisibleFolder,
  parents: Set<string>,
  kind: Kind,
  a: Pick<ListArgs, "returns">,
): Value[] {
  const { name, mailbox: mb } = folder;
  const attrs: string[] = [];
  // The run-wide view's address level is not a mailbox; it is always there, a level of the
  // hierarchy that cannot be selected (\Noselect, also for IMAP4rev2: RFC 9051 keeps \NonExistent
  // for names listed only because of a selection option or RECURSIVEMATCH, as below in run()).
  if (!mb) attrs.push("\\Noselect");
  attrs.push(parents.has(name) ? "\\HasChildren" : "\\HasNoChildren");
  if (!mb) return attrs.map((x) => atom(x));
  if (a.returns.subscribed && mb.subscribed) attrs.push("\\Subscribed");
  const xlist = kind === "XLIST";
  if (xlist && mb.name === "INBOX") attrs.push("\\Inbox");
  if (mb.specialUse) attrs.push(xlist && mb.specialUse === "\\Junk" ? "\\Spam" : mb.specialUse);
  return attrs.map((x) => atom(x));
}

type Kind = "LIST" | "LSUB" | "XLIST";

interface Row {
  folder: VisibleFolder;
  attrs: Value[];
  /** RECURSIVEMATCH: some descendant is subscribed (`CHILDINFO ("SUBSCRIBED")`, RFC 5258 §3.5). */
  childInfo?: boolean;
  /** Listed only for a subscribed descendant: no STATUS then (RFC 5819 §2, as Dovecot). */
  onlyForChild?: boolean;
}

/** Whether a folder meets LIST's selection options (all of them, RFC 5258 §3.1). */
function selected(folder: VisibleFolder, a: ListArgs): boolean {
  if (a.select.subscribed && !folder.mailbox?.subscribed) return false;
  if (a.select.specialUse && !folder.mailbox?.specialUse) return false;
  return true;
}

/** Every proper ancestor name of a folder name, nearest last. */
function ancestors(name: string): string[] {
  const out: string[] = [];
  for (let i = name.indexOf(DELIMITER); i > 0; i = name.indexOf(DELIMITER, i + 1)) out.push(name.slice(0, i));
  return out;
}

async function run(ctx: CommandContext, kind: Kind, a: ListArgs) {
  const { runId } = ctx.session.user;
  const utf8 = utf8Names(ctx.session);
  if (kind !== "LSUB" && !a.extended && a.patterns.length === 1 && a.patterns[0] === "") {
    // The hierarchy delimiter and root of the reference (RFC 3501 §6.3.8).
    ctx.send([atom(kind), [atom("\\Noselect")], DELIMITER, ""]);
    return ok(`${kind} completed`);
  }
  const all = await foldersOf(ctx.session.user).list(ctx.deps.store, runId);
  const matchers = a.patterns.map((p) => listMatcher(a.reference, p));
  const matches = (name: string) => matchers.some((m) => m(name));
  // Thousands of folders: work in time slices, other connections get turns between.
  const slicer = new TimeSlicer();
  const parents = await parentNames(all, slicer);
  const rows: Row[] = [];
  const subscribedParents = new Set<string>();
  // RECURSIVEMATCH: names with a subscribed descendant, and those of them with one the patterns miss.
  const recursive = kind === "LIST" && a.select.recursive && a.select.subscribed;
  const withSubscribedChild = new Set<string>();
  const listedForChild = new Set<string>();
  for (const folder of all) {
    if (slicer.due()) await slicer.pause();
    if (kind === "LSUB" && !folder.mailbox?.subscribed) continue;
    const matched = matches(folder.name);
    if (matched && (kind !== "LIST" || selected(folder, a))) {
      rows.push({ folder, attrs: attributes(folder, parents, kind, a) });
    }
    if (recursive && folder.mailbox?.subscribed) {
      for (const parent of ancestors(folder.name)) {
        withSubscribedChild.add(parent);
        if (!matched && matches(parent)) listedForChild.add(parent);
      }
    }
    if (kind === "LSUB" && !matched) {
      // RFC 3501 §6.3.9: `%` stops above a subscribed `foo/bar`; foo is listed then, \\Noselect
      // unless it is subscribed itself (then it is listed in its own right).
      for (const parent of ancestors(folder.name)) if (matches(parent)) subscribedParents.add(parent);
    }
  }
  const subscribed = new Set(all.filter((o) => o.mailbox?.subscribed).map((o) => o.name));
  for (const parent of subscribedParents) {
    if (subscribed.has(parent)) continue;
    rows.push({ folder: { name: parent }, attrs: [atom("\\Noselect")] });
  }
  if (recursive) {
    const listed = new Set(rows.map((r) => r.folder.name));
    const byName = new Map(all.map((f) => [f.name, f]));
    for (const name of listedForChild) {
      if (listed.has(name)) continue;
      const folder = byName.get(name);
      // A level no folder exists for (the store creates parents, so only after a DELETE).
      const attrs = folder
        ? attributes(folder, parents, kind, a)
        : [atom("\\NonExistent"), atom("\\HasChildren")];
      rows.push({ folder: folder ?? { name }, attrs, onlyForChild: true });
    }
    for (const row of rows) row.childInfo = withSubscribedChild.has(row.folder.name);
  }
  // In the store's order (INBOX first, then by code unit); rows arrive in it already, so this
  // only places LSUB's \\Noselect parents and RECURSIVEMATCH's parents.
  rows.sort((x, y) => byFolderName(x.folder, y.folder));
  for (const row of rows) {
    if (slicer.due()) await slicer.pause();
    const line: Value[] = [atom(kind), row.attrs, DELIMITER, mailboxNameValue(row.folder.name, utf8)];
    if (row.childInfo) line.push([atom("CHILDINFO"), ["SUBSCRIBED"]]);
    ctx.send(line);
    // LIST-STATUS (RFC 5819): STATUS right after the LIST line of each selected mailbox.
    if (a.returns.status && row.folder.mailbox && !row.onlyForChild)
      await sendStatus(ctx, row.folder.mailbox, a.returns.status);
  }
  return ok(`${kind} completed`);
}

/**
 * One mailbox's `* LIST (attributes) "/" name`, as LIST would answer it, with `("OLDNAME"
 * (supplied))` when the client named it otherwise: IMAP4rev2's SELECT, CREATE and RENAME answers
 * (RFC 9051 §6.3.2, §6.3.4, §6.3.6).
 */
export async function sendListLine(ctx: CommandContext, mailbox: Mailbox, supplied?: string): Promise<void> {
  const name = foldersOf(ctx.session.user).visible(mailbox);
  // Children live in the mailbox's own inbox, whichever view: one listing of it, not the run's.
  const below = `${mailbox.name}${DELIMITER}`;
  const siblings = await ctx.deps.store.listMailboxes(ctx.session.user.runId, mailbox.address);
  const parents = new Set(siblings.some((m) => m.name.startsWith(below)) ? [name] : []);
  const attrs = attributes({ name, mailbox }, parents, "LIST", { returns: { subscribed: false } });
  const utf8 = utf8Names(ctx.session);
  const line: Value[] = [atom("LIST"), attrs, DELIMITER, mailboxNameValue(name, utf8)];
  if (supplied !== undefined && supplied !== name) line.push(["OLDNAME", [mailboxNameValue(supplied, utf8)]]);
  ctx.send(line);
}

export const list = defineCommand({
  name: "LIST",
  states: AUTHENTICATED,
  parse: parseList("LIST", true),
  handler: (ctx, a) => run(ctx, "LIST", a),
});

export const lsub = defineCommand({
  name: "LSUB",
  states: AUTHENTICATED,
  parse: parseList("LSUB", false),
  handler: (ctx, a) => run(ctx, "LSUB", a),
});

export const xlist = defineCommand({
  name: "XLIST",
  states: AUTHENTICATED,
  parse: parseList("XLIST", false),
  handler: (ctx, a) => run(ctx, "XLIST", a),
});
