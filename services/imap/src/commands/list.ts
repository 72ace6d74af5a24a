/**
 * LIST, LSUB and XLIST over the folders the session sees (session/folders.ts). Special-use attributes are always
 * included (RFC 6154 allows it), so `LIST "" "*" RETURN (SPECIAL-USE)` needs no other option.
 */
import { byFolderName } from "@sandmail/store";
import { TimeSlicer } from "../content/index.js";
import { atom, type Value } from "../protocol/ast.js";
import { listMatcher } from "../protocol/list-pattern.js";
import { DELIMITER, decodeListPattern, encodeMailboxName } from "../protocol/mailbox-name.js";
import { foldersOf, type VisibleFolder } from "../session/folders.js";
import { ArgError, Args, tokenText } from "./args.js";
import { AUTHENTICATED, type CommandContext, defineCommand, ok } from "./types.js";

interface ListArgs {
  reference: string;
  patterns: string[];
}

function parseList(command: string, allowReturn: boolean) {
  return (tokens: ConstructorParameters<typeof Args>[0]): ListArgs => {
    const args = new Args(tokens, command);
    const reference = decodeListPattern(args.astring("reference"));
    const t = args.next("mailbox pattern");
    const patterns =
      t.type === "list" && allowReturn
        ? t.items.map((i) => decodeListPattern(tokenText(i, `${command} pattern`)))
        : [decodeListPattern(tokenText(t, `${command} pattern`))];
    if (allowReturn && args.remaining > 0) {
      if (args.atom("RETURN").toUpperCase() !== "RETURN") throw new ArgError(`${command}: expected RETURN`);
      for (const opt of args.list("return options")) {
        const name = opt.type === "atom" ? opt.value.toUpperCase() : "";
        if (name !== "SPECIAL-USE" && name !== "CHILDREN" && name !== "SUBSCRIBED") {
          throw new ArgError(`${command}: unsupported return option`);
        }
      }
    }
    args.end();
    return { reference, patterns };
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

function attributes({ name, mailbox: mb }: VisibleFolder, parents: Set<string>, xlist: boolean): Value[] {
  const attrs: string[] = [];
  // The run-wide view's address level is not a mailbox.
  if (!mb) attrs.push("\\Noselect");
  attrs.push(parents.has(name) ? "\\HasChildren" : "\\HasNoChildren");
  if (!mb) return attrs.map((a) => atom(a));
  if (xlist && mb.name === "INBOX") attrs.push("\\Inbox");
  if (mb.specialUse) attrs.push(xlist && mb.specialUse === "\\Junk" ? "\\Spam" : mb.specialUse);
  return attrs.map((a) => atom(a));
}

async function run(ctx: CommandContext, kind: "LIST" | "LSUB" | "XLIST", a: ListArgs) {
  const { runId } = ctx.session.user;
  if (kind !== "LSUB" && a.patterns.length === 1 && a.patterns[0] === "") {
    // The hierarchy delimiter and root of the reference (RFC 3501 §6.3.8).
    ctx.send([atom(kind), [atom("\\Noselect")], DELIMITER, ""]);
    return ok(`${kind} completed`);
  }
  const all = await foldersOf(ctx.session.user).list(ctx.deps.store, runId);
  const matchers = a.patterns.map((p) => listMatcher(a.reference, p));
  // Thousands of folders: work in time slices, other connections get turns between.
  const slicer = new TimeSlicer();
  const parents = await parentNames(all, slicer);
  const rows: Array<{ name: string; attrs: Value[] }> = [];
  const subscribedParents = new Set<string>();
  for (const folder of all) {
    if (slicer.due()) await slicer.pause();
    if (kind === "LSUB" && !folder.mailbox?.subscribed) continue;
    if (matchers.some((m) => m(folder.name))) {
      rows.push({ name: folder.name, attrs: attributes(folder, parents, kind === "XLIST") });
    } else if (kind === "LSUB") {
      // RFC 3501 §6.3.9: `%` stops above a subscribed `foo/bar`; foo is listed then, \Noselect
      // unless it is subscribed itself (then it is listed in its own right).
      const { name } = folder;
      for (let i = name.indexOf(DELIMITER); i > 0; i = name.indexOf(DELIMITER, i + 1)) {
        const parent = name.slice(0, i);
        if (matchers.some((m) => m(parent))) subscribedParents.add(parent);
      }
    }
  }
  const subscribed = new Set(all.filter((o) => o.mailbox?.subscribed).map((o) => o.name));
  for (const parent of subscribedParents) {
    if (subscribed.has(parent)) continue;
    rows.push({ name: parent, attrs: [atom("\\Noselect")] });
  }
  // In the store's order (INBOX first, then by code unit); rows arrive in it already, so this
  // only places LSUB's \\Noselect parents.
  rows.sort(byFolderName);
  for (const row of rows) {
    if (slicer.due()) await slicer.pause();
    ctx.send([atom(kind), row.attrs, DELIMITER, encodeMailboxName(row.name)]);
  }
  return ok(`${kind} completed`);
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
