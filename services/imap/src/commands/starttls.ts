import { Args } from "./args.js";
import { bad, defineCommand, NOT_AUTHENTICATED, ok } from "./types.js";

export default defineCommand({
  name: "STARTTLS",
  states: NOT_AUTHENTICATED,
  parse: (args) => new Args(args, "STARTTLS").end(),
  async handler(ctx) {
    if (ctx.session.tls) return bad("Connection is already encrypted");
    return { ...ok("Begin TLS negotiation now"), after: () => ctx.startTls() };
  },
});
