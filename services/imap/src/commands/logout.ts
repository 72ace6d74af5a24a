import { atom } from "../protocol/ast.js";
import { Args } from "./args.js";
import { ANY, defineCommand, ok } from "./types.js";

export default defineCommand({
  name: "LOGOUT",
  states: ANY,
  parse: (args) => new Args(args, "LOGOUT").end(),
  async handler(ctx) {
    ctx.send([atom("BYE"), atom("sandmail IMAP logging out")]);
    ctx.session.deselect();
    ctx.session.state = "logout";
    return ok("LOGOUT completed");
  },
});
