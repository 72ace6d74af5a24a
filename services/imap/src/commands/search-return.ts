/**
 * RETURN options of SEARCH and SORT and the ESEARCH answer they ask for: ESEARCH's MIN, MAX,
 * ALL and COUNT (RFC 4731), SEARCHRES's SAVE (RFC 5182), CONTEXT, UPDATE and PARTIAL (RFC 5267).
 * A SORT's results come in sort order, a SEARCH's in mailbox order; MIN and MAX are the first and
 * last of that order (RFC 5267 §3.1), which for SEARCH are the lowest and highest.
 */
import { atom, type Token, type Value } from "../protocol/ast.js";
import { formatSet } from "../protocol/sequence.js";
import { ArgError } from "./args.js";

const SIMPLE = new Set(["MIN", "MAX", "ALL", "COUNT", "SAVE", "CONTEXT", "UPDATE"]);

/** PARTIAL's range: positions in the result list, 1-based, low <= high. */
export interface PartialRange {
  low: number;
  high: number;
}

export interface ReturnOptions {
  names: Set<string>;
  partial?: PartialRange;
}

const MAX_NUMBER = 0xffff_ffff;

function partialRange(token: Token | undefined, command: string): PartialRange {
  const text = token?.type === "atom" && !token.section ? token.value : "";
  const m = /^(\d{1,10}):(\d{1,10})$/.exec(text);
  const a = m ? Number(m[1]) : 0;
  const b = m ? Number(m[2]) : 0;
  // nz-number ":" nz-number; `*` has no meaning for positions (RFC 5267 §5).
  if (a < 1 || b < 1 || a > MAX_NUMBER || b > MAX_NUMBER)
    throw new ArgError(`${command}: PARTIAL range broken`);
  return { low: Math.min(a, b), high: Math.max(a, b) };
}

/**
 * Reads `RETURN (options)` at the start of `tokens`; undefined when the command has none (the
 * RFC 3501 / RFC 5256 answer). Returns how many tokens it took.
 */
export function parseReturn(tokens: Token[], command: string): { options?: ReturnOptions; used: number } {
  const first = tokens[0];
  if (first?.type !== "atom" || first.section || first.value.toUpperCase() !== "RETURN") return { used: 0 };
  const list = tokens[1];
  if (list?.type !== "list") throw new ArgError(`${command}: RETURN needs a list of options`);
  const names = new Set<string>();
  let partial: PartialRange | undefined;
  for (let i = 0; i < list.items.length; i++) {
    const t = list.items[i]!;
    const name = t.type === "atom" && !t.section ? t.value.toUpperCase() : "";
    if (name === "PARTIAL") {
      if (partial) throw new ArgError(`${command}: PARTIAL can be used only once`);
      partial = partialRange(list.items[++i], command);
      continue;
    }
    if (!SIMPLE.has(name)) throw new ArgError(`${command}: unsupported RETURN option`);
    names.add(name);
  }
  // One PARTIAL or one ALL, not both (RFC 5267 §4.4).
  if (partial && names.has("ALL")) throw new ArgError(`${command}: PARTIAL conflicts with ALL`);
  // RETURN () means ALL (RFC 4731 §3.1).
  if (names.size === 0 && !partial) names.add("ALL");
  return { options: partial ? { names, partial } : { names }, used: 2 };
}

/** RETURN (SAVE) alone answers no ESEARCH (RFC 5182 §2.4); every other choice answers one. */
export function answersNothing(options: ReturnOptions): boolean {
  return !options.partial && [...options.names].every((n) => n === "SAVE");
}

/**
 * `* ESEARCH (TAG "t") [UID] MIN.. MAX.. ALL../PARTIAL.. COUNT.. [MODSEQ..]`; `hits` in the
 * command's order. MIN, MAX, ALL and MODSEQ only when something matched.
 */
export function esearchResponse(
  tag: string,
  uid: boolean,
  options: ReturnOptions,
  hits: readonly number[],
  modSeq?: number,
): Value[] {
  const { names, partial } = options;
  const out: Value[] = [atom("ESEARCH"), [atom("TAG"), tag]];
  if (uid) out.push(atom("UID"));
  if (hits.length > 0 && names.has("MIN")) out.push(atom("MIN"), hits[0]!);
  if (hits.length > 0 && names.has("MAX")) out.push(atom("MAX"), hits[hits.length - 1]!);
  if (hits.length > 0 && names.has("ALL")) out.push(atom("ALL"), atom(formatSet(hits)));
  if (partial) {
    const window = hits.slice(partial.low - 1, partial.high);
    out.push(atom("PARTIAL"), [
      atom(`${partial.low}:${partial.high}`),
      window.length > 0 ? atom(formatSet(window)) : null,
    ]);
  }
  if (names.has("COUNT")) out.push(atom("COUNT"), hits.length);
  if (modSeq !== undefined && hits.length > 0) out.push(atom("MODSEQ"), modSeq);
  return out;
}

/**
 * What SAVE keeps (RFC 5182 §2.4), ascending: with MIN and/or MAX alone only those messages,
 * otherwise every match. `uids` in the command's order.
 */
export function savedResult(options: ReturnOptions, uids: readonly number[]): number[] {
  const { names } = options;
  const every =
    names.has("ALL") || names.has("COUNT") || options.partial || (!names.has("MIN") && !names.has("MAX"));
  if (every) return uids.slice().sort((a, b) => a - b);
  if (uids.length === 0) return [];
  const out = new Set<number>();
  if (names.has("MIN")) out.add(uids[0]!);
  if (names.has("MAX")) out.add(uids[uids.length - 1]!);
  return [...out].sort((a, b) => a - b);
}
