import { Args } from "./args.js";
import { logIn } from "./login.js";
import { bad, defineCommand, NOT_AUTHENTICATED, no } from "./types.js";

/** AUTHENTICATE PLAIN (RFC 4616), with the initial response on the command line (SASL-IR). */
export default defineCommand({
  name: "AUTHENTICATE",
  states: NOT_AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "AUTHENTICATE");
    const mechanism = args.atom("mechanism").toUpperCase();
    const initial = args.remaining > 0 ? args.astring("initial response") : undefined;
    args.end();
    return { mechanism, initial };
  },
  async handler(ctx, { mechanism, initial }) {
    if (mechanism !== "PLAIN") return no(`Unsupported mechanism ${mechanism}`, "CANNOT");
    let response = initial;
    if (response === undefined) {
      ctx.continuation("");
      const frame = await ctx.readFrame();
      if (!frame) return bad("Connection closed");
      response = frame.pieces.map((p) => p.line.toString("latin1")).join("");
    }
    response = response.trim();
    if (response === "*") return bad("AUTHENTICATE cancelled");
    // "=" is an empty initial response (RFC 4959).
    const text = response === "=" ? "" : response;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return bad("Invalid base64 in AUTHENTICATE response");
    const parts = Buffer.from(text, "base64").toString("utf8").split("\0");
    if (parts.length !== 3) return bad("Malformed PLAIN response");
    const [authzid, user, password] = parts as [string, string, string];
    if (authzid && authzid.toLowerCase() !== user.toLowerCase()) {
      return no("Authorization identity must match the user", "AUTHORIZATIONFAILED");
    }
    return logIn(ctx, user, password);
  },
});
