/**
 * SORT and UID SORT (RFC 5256, with RFC 5957's DISPLAYFROM and DISPLAYTO); with RETURN options
 * the answer is an ESEARCH in sort order (ESORT, RFC 5267 §3), PARTIAL and UPDATE included.
 */
import { compileSearch, TimeSlicer } from "../content/index.js";
import { slicedSort } from "../content/sliced-sort.js";
import { compareSortValues, parseSortCriteria, sortNeedsHeaders, sortValues } from "../content/sort-key.js";
import { atom, type Token } from "../protocol/ast.js";
import { ArgError, tokenText } from "./args.js";
import { freezeKey, openLiveContext, refuseUpdate, reusedTag } from "./live-updates.js";
import { answersNothing, esearchResponse, parseReturn, savedResult } from "./search-return.js";
import { searchMailbox } from "./search-run.js";
import { defineCommand, ok, SELECTED } from "./types.js";

/** `charset` is required by SORT and THREAD, unlike SEARCH's optional `CHARSET name`. */
export function readCharset(tokens: Token[], command: string): string {
  const token = tokens[1];
  if (!token || token.type === "list") throw new ArgError(`${command}: missing charset`);
  // Without criteria after it the "charset" was the criteria: BAD, as Dovecot answers.
  if (tokens.length < 3) throw new ArgError(`${command}: missing search criteria`);
  return tokenText(token, `${command}: charset`);
}

export default defineCommand({
  name: "SORT",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse(all: Token[]) {
    const { options, used } = parseReturn(all, "SORT");
    const tokens = all.slice(used);
    const criteria = parseSortCriteria(tokens[0]);
    const charset = readCharset(tokens, "SORT");
    return { criteria, key: compileSearch(tokens.slice(2), charset), options };
  },
  async handler(ctx, { criteria, key, options }) {
    const byUid = ctx.command.uid;
    const selection = ctx.session.selected;
    const update = options?.names.has("UPDATE") === true;
    const reused = update ? reusedTag(ctx) : undefined;
    if (reused) return reused;
    const liveKey = update ? freezeKey(key, selection) : undefined;
    // A SAVE that fails leaves `$` empty (RFC 5182 §2.1).
    if (options?.names.has("SAVE")) selection.searchResult = [];
    const entries: Array<{ seq: number; uid: number; n: number; values: Array<string | number> }> = [];
    await searchMailbox(
      ctx,
      key,
      ({ seq, message, raw }) => {
        const facts = { internalDate: message.internalDate, size: message.size, root: message.mime, raw };
        entries.push({
          seq,
          uid: message.uid,
          n: byUid ? message.uid : seq,
          values: sortValues(criteria, facts),
        });
      },
      { headers: sortNeedsHeaders(criteria) },
    );
    const sorted = await slicedSort(
      entries,
      (a, b) => compareSortValues(criteria, a.values, b.values) || a.seq - b.seq,
      new TimeSlicer(),
    );
    if (!options) {
      ctx.send([atom("SORT"), ...sorted.map((e) => e.n)]);
      return ok("SORT completed");
    }
    const uids = sorted.map((e) => e.uid);
    if (options.names.has("SAVE")) selection.searchResult = savedResult(options, uids);
    if (!answersNothing(options))
      ctx.send(
        esearchResponse(
          ctx.command.tag,
          byUid,
          options,
          sorted.map((e) => e.n),
        ),
      );
    if (liveKey && !refuseUpdate(ctx, true))
      openLiveContext(
        selection,
        { tag: ctx.command.tag, uid: byUid, key: liveKey, criteria },
        { uids, sorted: sorted.map((e) => ({ uid: e.uid, values: e.values })) },
      );
    return ok("SORT completed");
  },
});
