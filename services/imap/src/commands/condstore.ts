/**
 * CONDSTORE (RFC 7162) pieces shared by SELECT, STATUS, FETCH, STORE, SEARCH and ENABLE:
 * turning the extension on for a session and reading mod-sequence arguments.
 */
import { type SearchKey, someSearchLeaf } from "../content/index.js";
import { atom, type Token } from "../protocol/ast.js";
import { ArgError } from "./args.js";
import type { CommandContext } from "./types.js";

export const CONDSTORE = "CONDSTORE";

/** Largest mod-sequence a client may send (RFC 7162 mod-sequence-value is below 2^63). */
const MAX_MODSEQ = Number.MAX_SAFE_INTEGER;

/**
 * A CONDSTORE enabling command ran (RFC 7162 §3.1): from now on untagged FETCH responses carry
 * MODSEQ. With a mailbox selected, its HIGHESTMODSEQ is reported, as SELECT would have done.
 */
export function enableCondstore(ctx: CommandContext): void {
  const { session } = ctx;
  if (session.enabled.has(CONDSTORE)) return;
  session.enabled.add(CONDSTORE);
  const selection = session.selection;
  if (selection) {
    ctx.send([
      atom("OK"),
      atom(`[HIGHESTMODSEQ ${selection.tracker.highestModSeq}]`),
      atom("Highest modification sequence"),
    ]);
  }
}

export function condstoreOn(ctx: CommandContext): boolean {
  return ctx.session.enabled.has(CONDSTORE);
}

/** A mod-sequence number; `zero` allows 0 (UNCHANGEDSINCE, SEARCH MODSEQ). */
export function modSeqArg(token: Token | undefined, what: string, zero: boolean): number {
  if (token?.type !== "atom" || token.section || !/^\d{1,16}$/.test(token.value)) {
    throw new ArgError(`${what}: expected a mod-sequence number`);
  }
  const n = Number(token.value);
  if (n > MAX_MODSEQ || (!zero && n === 0)) throw new ArgError(`${what}: mod-sequence out of range`);
  return n;
}

/**
 * A modifier list such as `(CHANGEDSINCE 12)` or `(UNCHANGEDSINCE 0)`: name/value pairs, names
 * upper-cased. Unknown names are the caller's to refuse.
 */
export function modifierPairs(items: Token[], what: string): Map<string, Token> {
  const out = new Map<string, Token>();
  for (let i = 0; i < items.length; i += 2) {
    const name = items[i]!;
    if (name.type !== "atom" || name.section) throw new ArgError(`${what}: invalid modifier`);
    const value = items[i + 1];
    if (!value) throw new ArgError(`${what}: modifier ${name.value.slice(0, 20)} needs a value`);
    const key = name.value.toUpperCase();
    if (out.has(key)) throw new ArgError(`${what}: modifier ${key} given twice`);
    out.set(key, value);
  }
  return out;
}

/** Whether a SEARCH uses the MODSEQ key: its result then ends with `(MODSEQ n)` (RFC 7162 §3.1.5). */
export function searchUsesModSeq(key: SearchKey): boolean {
  return someSearchLeaf(key, (leaf) => leaf.type === "modseq");
}
