import { atom } from "../protocol/ast.js";
import { Args } from "./args.js";
import { AUTHENTICATED, defineCommand, ok } from "./types.js";

/** Extensions that can be enabled; none of the advertised ones needs it yet (CONDSTORE will). */
const ENABLEABLE = new Set<string>();

export default defineCommand({
  name: "ENABLE",
  states: AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "ENABLE");
    const names: string[] = [];
    while (args.remaining > 0) names.push(args.atom("capability").toUpperCase());
    if (names.length === 0) args.atom("capability");
    return names;
  },
  async handler(ctx, names) {
    const enabled = names.filter((n) => ENABLEABLE.has(n) && !ctx.session.enabled.has(n));
    for (const n of enabled) ctx.session.enabled.add(n);
    ctx.send([atom("ENABLED"), ...enabled.map((n) => atom(n))]);
    return ok("ENABLE completed");
  },
});
