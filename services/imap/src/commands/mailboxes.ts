/** CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE: folder management over the store. */
import { isSandmailError } from "@sandmail/core";
import { DELIMITER } from "../protocol/mailbox-name.js";
import { Args } from "./args.js";
import { AUTHENTICATED, defineCommand, no, ok } from "./types.js";

const oneName = (command: string) => (tokens: ConstructorParameters<typeof Args>[0]) => {
  const args = new Args(tokens, command);
  const name = args.mailbox();
  args.end();
  return name;
};

export const create = defineCommand({
  name: "CREATE",
  states: AUTHENTICATED,
  parse: oneName("CREATE"),
  async handler(ctx, name) {
    const { runId, address } = ctx.session.user;
    const { store } = ctx.deps;
    if (name === "INBOX") return no("INBOX always exists", "ALREADYEXISTS");
    if (name.split(DELIMITER).some((p) => p === "")) return no("Empty hierarchy level in name", "CANNOT");
    if (await store.getMailbox(runId, address, name)) return no("Mailbox already exists", "ALREADYEXISTS");
    // The store creates missing superior levels too, as RFC 3501 §6.3.3 asks.
    await store.createMailbox(runId, address, name);
    return ok("CREATE completed");
  },
});

export const del = defineCommand({
  name: "DELETE",
  states: AUTHENTICATED,
  parse: oneName("DELETE"),
  async handler(ctx, name) {
    const { runId, address } = ctx.session.user;
    const { store } = ctx.deps;
    if (name === "INBOX") return no("INBOX cannot be deleted", "CANNOT");
    const all = await store.listMailboxes(runId, address);
    if (!all.some((m) => m.name === name)) return no("Mailbox does not exist", "NONEXISTENT");
    if (all.some((m) => m.name.startsWith(name + DELIMITER))) {
      return no("Mailbox has children; delete them first", "INUSE");
    }
    if (ctx.session.selection?.mailbox.name === name) ctx.session.deselect();
    await store.deleteMailbox(runId, address, name);
    return ok("DELETE completed");
  },
});

export const rename = defineCommand({
  name: "RENAME",
  states: AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "RENAME");
    const from = args.mailbox("existing mailbox name");
    const to = args.mailbox("new mailbox name");
    args.end();
    return { from, to };
  },
  async handler(ctx, { from, to }) {
    const { runId, address } = ctx.session.user;
    const { store } = ctx.deps;
    if (!(await store.getMailbox(runId, address, from))) return no("Mailbox does not exist", "NONEXISTENT");
    if (to === "INBOX" || (await store.getMailbox(runId, address, to))) {
      return no("Target mailbox already exists", "ALREADYEXISTS");
    }
    if (to.startsWith(from + DELIMITER)) return no("Cannot move a mailbox into itself", "CANNOT");
    await store.renameMailbox(runId, address, from, to);
    return ok("RENAME completed");
  },
});

export const subscribe = defineCommand({
  name: "SUBSCRIBE",
  states: AUTHENTICATED,
  parse: oneName("SUBSCRIBE"),
  async handler(ctx, name) {
    const { runId, address } = ctx.session.user;
    if (!(await ctx.deps.store.getMailbox(runId, address, name)))
      return no("Mailbox does not exist", "NONEXISTENT");
    await ctx.deps.store.setSubscribed(runId, address, name, true);
    return ok("SUBSCRIBE completed");
  },
});

export const unsubscribe = defineCommand({
  name: "UNSUBSCRIBE",
  states: AUTHENTICATED,
  parse: oneName("UNSUBSCRIBE"),
  async handler(ctx, name) {
    const { runId, address } = ctx.session.user;
    try {
      await ctx.deps.store.setSubscribed(runId, address, name, false);
    } catch (err) {
      if (!isSandmailError(err, "mailbox_not_found")) throw err;
    }
    return ok("UNSUBSCRIBE completed");
  },
});
