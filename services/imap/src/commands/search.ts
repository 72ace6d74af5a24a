/** SEARCH and UID SEARCH: keys compiled by the content layer, evaluated by search-run.ts. */
import { compileSearch, type SearchKey } from "../content/index.js";
import { atom, type Token } from "../protocol/ast.js";
import { isRev2 } from "../session/revision.js";
import { enableCondstore, searchUsesModSeq } from "./condstore.js";
import { freezeKey, openLiveContext, refuseUpdate, reusedTag } from "./live-updates.js";
import {
  answersNothing,
  esearchResponse,
  parseReturn,
  type ReturnOptions,
  savedResult,
} from "./search-return.js";
import { searchMailbox } from "./search-run.js";
import { defineCommand, ok, SELECTED } from "./types.js";

interface SearchArgs {
  key: SearchKey;
  /** RETURN options: the answer is an ESEARCH response; absent for the RFC 3501 SEARCH response. */
  options?: ReturnOptions;
}

function parseSearch(tokens: Token[]): SearchArgs {
  const { options, used } = parseReturn(tokens, "SEARCH");
  const key = compileSearch(tokens.slice(used));
  return options ? { key, options } : { key };
}

export default defineCommand({
  name: "SEARCH",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse: parseSearch,
  async handler(ctx, args) {
    const { key } = args;
    // IMAP4rev2 has no SEARCH response: a SEARCH without RETURN means RETURN (ALL) (RFC 9051 §6.4.4).
    const options = args.options ?? (isRev2(ctx.session) ? { names: new Set(["ALL"]) } : undefined);
    const byUid = ctx.command.uid;
    const hits: number[] = [];
    // CONDSTORE: a MODSEQ search reports the highest mod-sequence of what it found.
    const modseq = searchUsesModSeq(key);
    if (modseq) enableCondstore(ctx);
    let topModSeq = 0;
    const uids: number[] = [];
    const selection = ctx.session.selected;
    const update = options?.names.has("UPDATE") === true;
    const reused = update ? reusedTag(ctx) : undefined;
    if (reused) return reused;
    // Numbers and `$` as they are now, before this command's own SAVE (RFC 5267 §4.3).
    const liveKey = update ? freezeKey(key, selection) : undefined;
    const save = options?.names.has("SAVE") === true;
    // A SAVE search that fails leaves `$` empty (RFC 5182 §2.1).
    if (save) selection.searchResult = [];
    await searchMailbox(ctx, key, ({ seq, message }) => {
      hits.push(byUid ? message.uid : seq);
      uids.push(message.uid);
      if (message.modSeq > topModSeq) topModSeq = message.modSeq;
    });
    if (options && save) selection.searchResult = savedResult(options, uids);
    if (options) {
      if (!answersNothing(options))
        ctx.send(esearchResponse(ctx.command.tag, byUid, options, hits, modseq ? topModSeq : undefined));
      if (liveKey && !refuseUpdate(ctx, false))
        openLiveContext(selection, { tag: ctx.command.tag, uid: byUid, key: liveKey }, { uids });
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
