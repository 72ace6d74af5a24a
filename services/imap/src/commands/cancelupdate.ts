/** CANCELUPDATE (RFC 5267 §4.3.5): ends the live SEARCH / SORT results the tags name. */
import { ArgError, Args, tokenText } from "./args.js";
import { cancelLiveContexts } from "./live-updates.js";
import { defineCommand, no, ok, SELECTED } from "./types.js";

export default defineCommand({
  name: "CANCELUPDATE",
  states: SELECTED,
  parse(tokens) {
    const args = new Args(tokens, "CANCELUPDATE");
    const tags = args.rest().map((t) => tokenText(t, "CANCELUPDATE: tag"));
    if (tags.length === 0) throw new ArgError("CANCELUPDATE: missing tag");
    return { tags };
  },
  async handler(ctx, { tags }) {
    // All or none, so a typo in one tag leaves every context as it was.
    if (!cancelLiveContexts(ctx.session.selected, tags)) return no("Unknown tag");
    return ok("No further updates");
  },
});
