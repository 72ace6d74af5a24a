import { verifyLogin } from "@sandmail/core";
import { Args } from "./args.js";
import { type CommandContext, type CommandResult, defineCommand, NOT_AUTHENTICATED, no } from "./types.js";

export async function logIn(ctx: CommandContext, user: string, password: string): Promise<CommandResult> {
  const { store, config, logger, loginThrottle } = ctx.deps;
  const admission = await loginThrottle.admit(ctx.client);
  if (!admission.admitted) {
    return no("Too many failed logins from your address, try again later", "UNAVAILABLE");
  }
  const identity = await verifyLogin(store, config.SANDMAIL_DOMAIN, user, password);
  if (!identity) {
    loginThrottle.failed(ctx.client);
    logger.info({ user: user.slice(0, 200) }, "imap login failed");
    return no("Invalid credentials (user: inbox address, password: run token)", "AUTHENTICATIONFAILED");
  }
  const refused = await ctx.login(identity);
  if (refused) return refused;
  ctx.session.authenticate(identity);
  return {
    status: "OK",
    code: `CAPABILITY ${ctx.deps.capabilities(ctx.session).join(" ")}`,
    text: "Logged in",
  };
}

export default defineCommand({
  name: "LOGIN",
  states: NOT_AUTHENTICATED,
  parse(tokens) {
    const args = new Args(tokens, "LOGIN");
    const user = args.astring("user name");
    const password = args.astring("password");
    args.end();
    return { user, password };
  },
  handler: (ctx, { user, password }) => logIn(ctx, user, password),
});
