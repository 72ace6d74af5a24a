import { atom } from "../protocol/ast.js";
import { Args } from "./args.js";
import { ANY, defineCommand, ok } from "./types.js";

export default defineCommand({
  name: "CAPABILITY",
  states: ANY,
  parse: (args) => new Args(args, "CAPABILITY").end(),
  async handler(ctx) {
    ctx.send(["CAPABILITY", ...ctx.deps.capabilities(ctx.session)].map((c) => atom(c)));
    return ok("CAPABILITY completed");
  },
});
