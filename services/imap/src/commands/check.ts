import { Args } from "./args.js";
import { defineCommand, ok, SELECTED } from "./types.js";

/** Nothing to checkpoint: every change is already in the store. */
export default defineCommand({
  name: "CHECK",
  states: SELECTED,
  parse: (args) => new Args(args, "CHECK").end(),
  handler: async () => ok("CHECK completed"),
});
