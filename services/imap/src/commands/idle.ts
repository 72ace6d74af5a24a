/** IDLE (RFC 2177): updates stream while the client waits; DONE, or any tagged command, ends it. */
import type { Frame } from "../protocol/parser.js";
import { Args } from "./args.js";
import { AUTHENTICATED, bad, defineCommand, ok } from "./types.js";

function isDone(frame: Frame): boolean {
  return (
    frame.pieces.length === 1 && frame.pieces[0]!.line.toString("latin1").trim().toUpperCase() === "DONE"
  );
}

export default defineCommand({
  name: "IDLE",
  states: AUTHENTICATED,
  parse: (tokens) => new Args(tokens, "IDLE").end(),
  async handler(ctx) {
    ctx.continuation("idling");
    await ctx.setIdle(true);
    let frame: Frame | undefined;
    try {
      frame = await ctx.readFrame();
    } finally {
      await ctx.setIdle(false);
    }
    if (!frame || isDone(frame)) return ok("IDLE terminated");
    const first = frame.pieces[0]!.line;
    // Apple Mail may send its next command instead of DONE: end IDLE, then run that command.
    if (/^[^\s]+ [A-Za-z]/.test(first.toString("latin1"))) {
      ctx.requeue(frame);
      return ok("IDLE terminated");
    }
    return bad("Expected DONE");
  },
});
