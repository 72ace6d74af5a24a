/**
 * QUOTA (RFC 9208): the run's limits, as the store enforces them, are the one quota root every
 * mailbox of a login belongs to. STORAGE is counted in units of 1024 octets (usage rounded up,
 * the limit down), MESSAGE in messages; both cover every inbox of the run. Limits are set when
 * the run is created, so SETQUOTA is refused.
 */
import type { Value } from "../protocol/ast.js";
import { atom } from "../protocol/ast.js";
import { mailboxNameValue } from "../protocol/mailbox-name.js";
import { findMailbox } from "../session/folders.js";
import { utf8Names } from "../session/revision.js";
import { Args, tokenText } from "./args.js";
import { AUTHENTICATED, type CommandContext, defineCommand, no, ok } from "./types.js";

/** The name of the run's quota root. */
export const QUOTA_ROOT = "";

async function sendQuota(ctx: CommandContext): Promise<boolean> {
  const { runId } = ctx.session.user;
  const [run, counts] = await Promise.all([ctx.deps.store.getRun(runId), ctx.deps.store.runCounts(runId)]);
  if (!run) return false;
  const resources: Value[] = [
    atom("STORAGE"),
    Math.ceil(counts.bytes / 1024),
    Math.floor(run.limits.maxBytes / 1024),
    atom("MESSAGE"),
    counts.messages,
    run.limits.maxMessages,
  ];
  ctx.send([atom("QUOTA"), QUOTA_ROOT, resources]);
  return true;
}

export const getQuotaRoot = defineCommand({
  name: "GETQUOTAROOT",
  states: AUTHENTICATED,
  parse(tokens, cmd) {
    const args = new Args(tokens, "GETQUOTAROOT", cmd.utf8);
    const name = args.mailbox();
    args.end();
    return name;
  },
  async handler(ctx, name) {
    const found = await findMailbox(ctx.deps.store, ctx.session.user, name);
    if (!found) return no("Mailbox does not exist", "NONEXISTENT");
    ctx.send([atom("QUOTAROOT"), mailboxNameValue(name, utf8Names(ctx.session)), QUOTA_ROOT]);
    if (!(await sendQuota(ctx))) return no("The run is gone");
    return ok("GETQUOTAROOT completed");
  },
});

export const getQuota = defineCommand({
  name: "GETQUOTA",
  states: AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "GETQUOTA");
    const root = tokenText(args.next("quota root"), "GETQUOTA quota root");
    args.end();
    return root;
  },
  async handler(ctx, root) {
    if (root !== QUOTA_ROOT) return no("No such quota root", "NONEXISTENT");
    if (!(await sendQuota(ctx))) return no("The run is gone");
    return ok("GETQUOTA completed");
  },
});

export const setQuota = defineCommand({
  name: "SETQUOTA",
  states: AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "SETQUOTA");
    tokenText(args.next("quota root"), "SETQUOTA quota root");
    args.list("resource limits");
    args.end();
  },
  handler: async () => no("The run's limits are set when it is created (POST /v1/runs)", "CANNOT"),
});
