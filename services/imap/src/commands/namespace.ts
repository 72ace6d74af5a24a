import { atom } from "../protocol/ast.js";
import { DELIMITER } from "../protocol/mailbox-name.js";
import { Args } from "./args.js";
import { AUTHENTICATED, defineCommand, ok } from "./types.js";

export default defineCommand({
  name: "NAMESPACE",
  states: AUTHENTICATED,
  parse: (args) => new Args(args, "NAMESPACE").end(),
  async handler(ctx) {
    ctx.send([atom("NAMESPACE"), [["", DELIMITER]], null, null]);
    return ok("NAMESPACE completed");
  },
});
