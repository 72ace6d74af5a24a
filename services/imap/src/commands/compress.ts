import { Args } from "./args.js";
import { AUTHENTICATED, bad, defineCommand, no, ok } from "./types.js";

/** COMPRESS=DEFLATE (RFC 4978); the streams themselves are in deflate-link.ts. */
export default defineCommand({
  name: "COMPRESS",
  states: AUTHENTICATED,
  parse: (tokens) => {
    const args = new Args(tokens, "COMPRESS");
    const mechanism = args.atom("mechanism").toUpperCase();
    args.end();
    return mechanism;
  },
  async handler(ctx, mechanism) {
    if (ctx.session.compressed) return no("Compression is already on", "COMPRESSIONACTIVE");
    if (mechanism !== "DEFLATE") return bad(`Unknown compression mechanism ${mechanism.slice(0, 40)}`);
    return { ...ok("DEFLATE active"), after: async () => ctx.startCompression() };
  },
});
