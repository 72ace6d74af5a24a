import { decodeSaslPlain } from "@sandmail/core";
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
    const plain = decodeSaslPlain(response);
    if (plain.ok) return logIn(ctx, plain.user, plain.password);
    if (plain.reason === "authzid")
      return no("Authorization identity must match the user", "AUTHORIZATIONFAILED");
    return bad(
      plain.reason === "base64" ? "Invalid base64 in AUTHENTICATE response" : "Malformed PLAIN response",
    );
  },
});
