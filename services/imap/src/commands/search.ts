/** SEARCH and UID SEARCH: keys compiled by the content layer, evaluated by search-run.ts. */
import { compileSearch, type SearchKey } from "../content/index.js";
import { atom, type Token, type Value } from "../protocol/ast.js";
import { formatSet } from "../protocol/sequence.js";
import { ArgError } from "./args.js";
import { enableCondstore, searchUsesModSeq } from "./condstore.js";
import { searchMailbox } from "./search-run.js";
import { defineCommand, ok, SELECTED } from "./types.js";

/** ESEARCH result options (RFC 4731) and SEARCHRES's SAVE (RFC 5182). */
const RETURN_OPTIONS = new Set(["MIN", "MAX", "ALL", "COUNT", "SAVE"]);

interface SearchArgs {
  key: SearchKey;
  /** RETURN options: the answer is an ESEARCH response; absent for the RFC 3501 SEARCH response. */
  options?: Set<string>;
}

function parseSearch(tokens: Token[]): SearchArgs {
  const first = tokens[0];
  if (first?.type !== "atom" || first.section || first.value.toUpperCase() !== "RETURN") {
    return { key: compileSearch(tokens) };
  }
  const list = tokens[1];
  if (list?.type !== "list") throw new ArgError("SEARCH: RETURN needs a list of options");
  const options = new Set<string>();
  for (const t of list.items) {
    const name = t.type === "atom" && !t.section ? t.value.toUpperCase() : "";
    if (!RETURN_OPTIONS.has(name)) throw new ArgError("SEARCH: unsupported RETURN option");
    options.add(name);
  }
  // RETURN () means ALL (RFC 4731 §3.1).
  if (options.size === 0) options.add("ALL");
  return { key: compileSearch(tokens.slice(2)), options };
}

/** `* ESEARCH (TAG "t") [UID] MIN.. MAX.. COUNT.. ALL..`; MIN, MAX and ALL only when something matched. */
function esearchResponse(
  tag: string,
  uid: boolean,
  options: Set<string>,
  hits: readonly number[],
  modSeq: number | undefined,
): Value[] {
  const out: Value[] = [atom("ESEARCH"), [atom("TAG"), tag]];
  if (uid) out.push(atom("UID"));
  if (hits.length > 0 && options.has("MIN")) out.push(atom("MIN"), hits[0]!);
  if (hits.length > 0 && options.has("MAX")) out.push(atom("MAX"), hits[hits.length - 1]!);
  if (options.has("COUNT")) out.push(atom("COUNT"), hits.length);
  if (hits.length > 0 && options.has("ALL")) out.push(atom("ALL"), atom(formatSet(hits)));
  if (modSeq !== undefined && hits.length > 0) out.push(atom("MODSEQ"), modSeq);
  return out;
}

/**
 * What SAVE keeps (RFC 5182 §2.4): with MIN and/or MAX alone only those messages, otherwise every
 * match. `uids` ascend.
 */
function savedResult(options: Set<string>, uids: number[]): number[] {
  if (options.has("ALL") || options.has("COUNT") || (!options.has("MIN") && !options.has("MAX"))) return uids;
  if (uids.length === 0) return [];
  const out = options.has("MIN") ? [uids[0]!] : [];
  if (options.has("MAX") && uids[uids.length - 1] !== out[0]) out.push(uids[uids.length - 1]!);
  return out;
}

export default defineCommand({
  name: "SEARCH",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse: parseSearch,
  async handler(ctx, { key, options }) {
    const byUid = ctx.command.uid;
    const hits: number[] = [];
    // CONDSTORE: a MODSEQ search reports the highest mod-sequence of what it found.
    const modseq = searchUsesModSeq(key);
    if (modseq) enableCondstore(ctx);
    let topModSeq = 0;
    const uids: number[] = [];
    const selection = ctx.session.selected;
    const save = options?.has("SAVE") === true;
    // A SAVE search that fails leaves `$` empty (RFC 5182 §2.1).
    if (save) selection.searchResult = [];
    await searchMailbox(ctx, key, ({ seq, message }) => {
      hits.push(byUid ? message.uid : seq);
      uids.push(message.uid);
      if (message.modSeq > topModSeq) topModSeq = message.modSeq;
    });
    if (options && save) selection.searchResult = savedResult(options, uids);
    if (options) {
      // RETURN (SAVE) alone answers no ESEARCH (RFC 5182 §2.4).
      if (!(save && options.size === 1))
        ctx.send(esearchResponse(ctx.command.tag, byUid, options, hits, modseq ? topModSeq : undefined));
    } else {
      ctx.send([
        atom("SEARCH"),
        ...hits,
        ...(modseq && hits.length > 0 ? [[atom("MODSEQ"), topModSeq]] : []),
      ]);
    }
    return ok("SEARCH completed");
  },
});
