import { atom } from "../protocol/ast.js";
import { UTF8_ACCEPT } from "../protocol/mailbox-name.js";
import { IMAP4REV2 } from "../session/revision.js";
import { Args } from "./args.js";
import { CONDSTORE, enableCondstore } from "./condstore.js";
import { enableQresync, QRESYNC } from "./qresync.js";
import { AUTHENTICATED, defineCommand, ok } from "./types.js";

/** Extensions that can be enabled, by their upper-case name (ENABLE is case-insensitive). */
const ENABLEABLE = new Map<string, string>(
  [CONDSTORE, QRESYNC, UTF8_ACCEPT, IMAP4REV2].map((n) => [n.toUpperCase(), n]),
);

export default defineCommand({
  name: "ENABLE",
  states: AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "ENABLE");
    const names: string[] = [];
    while (args.remaining > 0) names.push(args.atom("capability").toUpperCase());
    if (names.length === 0) args.atom("capability");
    return names;
  },
  async handler(ctx, names) {
    const enabled = [...new Set(names.flatMap((n) => ENABLEABLE.get(n) ?? []))].filter(
      (n) => !ctx.session.enabled.has(n),
    );
    ctx.send([atom("ENABLED"), ...enabled.map((n) => atom(n))]);
    for (const n of enabled) {
      if (n === CONDSTORE) enableCondstore(ctx);
      else if (n === QRESYNC) enableQresync(ctx);
      else ctx.session.enabled.add(n);
    }
    return ok("ENABLE completed");
  },
});
