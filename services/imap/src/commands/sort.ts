/** SORT and UID SORT (RFC 5256, with RFC 5957's DISPLAYFROM and DISPLAYTO). */
import { compileSearch, TimeSlicer } from "../content/index.js";
import { slicedSort } from "../content/sliced-sort.js";
import { compareSortValues, parseSortCriteria, sortNeedsHeaders, sortValues } from "../content/sort-key.js";
import { atom, type Token } from "../protocol/ast.js";
import { ArgError, tokenText } from "./args.js";
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
  parse(tokens: Token[]) {
    const criteria = parseSortCriteria(tokens[0]);
    const charset = readCharset(tokens, "SORT");
    return { criteria, key: compileSearch(tokens.slice(2), charset) };
  },
  async handler(ctx, { criteria, key }) {
    const byUid = ctx.command.uid;
    const entries: Array<{ seq: number; n: number; values: Array<string | number> }> = [];
    await searchMailbox(
      ctx,
      key,
      ({ seq, message, raw }) => {
        const facts = { internalDate: message.internalDate, size: message.size, root: message.mime, raw };
        entries.push({ seq, n: byUid ? message.uid : seq, values: sortValues(criteria, facts) });
      },
      { headers: sortNeedsHeaders(criteria) },
    );
    const sorted = await slicedSort(
      entries,
      (a, b) => compareSortValues(criteria, a.values, b.values) || a.seq - b.seq,
      new TimeSlicer(),
    );
    ctx.send([atom("SORT"), ...sorted.map((e) => e.n)]);
    return ok("SORT completed");
  },
});
