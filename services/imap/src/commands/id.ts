import { atom } from "../protocol/ast.js";
import { ArgError, Args } from "./args.js";
import { ANY, defineCommand, ok } from "./types.js";

export default defineCommand({
  name: "ID",
  states: ANY,
  parse(tokens) {
    const args = new Args(tokens, "ID");
    const t = args.next("parameter list");
    if (!(t.type === "list" || (t.type === "atom" && t.value.toUpperCase() === "NIL"))) {
      throw new ArgError("ID: expected a parameter list or NIL");
    }
    if (t.type === "list" && t.items.length % 2 !== 0) throw new ArgError("ID: parameters come in pairs");
    args.end();
  },
  async handler(ctx) {
    ctx.send([
      atom("ID"),
      ["name", "sandmail", "vendor", "sandmail", "support-url", "https://github.com/sandmail"],
    ]);
    return ok("ID completed");
  },
});
