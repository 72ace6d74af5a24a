import { Args } from "./args.js";
import { ANY, defineCommand, ok } from "./types.js";

/** Does nothing itself: the dispatcher reports pending mailbox updates at its end. */
export default defineCommand({
  name: "NOOP",
  states: ANY,
  parse: (args) => new Args(args, "NOOP").end(),
  handler: async () => ok("NOOP completed"),
});
