/**
 * Who a LOGIN / AUTHENTICATE user name stands for. Inside the sandmail domain the address names
 * its run (`alice@<runId>.<domain>`); any other address (caught by catch-all, or sent with SMTP
 * AUTH) is written `<runId>/<address>`. The password is always the run's token.
 */
import { normalizeAddress, RUN_ID_PATTERN, runIdFromAddress, tokensEqual } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { Identity } from "./session.js";

export function parseLoginUser(user: string, domain: string): Identity | undefined {
  const slash = user.indexOf("/");
  if (slash > 0) {
    const runId = user.slice(0, slash).toLowerCase();
    const address = normalizeAddress(user.slice(slash + 1));
    if (!RUN_ID_PATTERN.test(runId) || !address.includes("@")) return undefined;
    return { runId, address };
  }
  const address = normalizeAddress(user);
  const runId = runIdFromAddress(address, domain);
  return runId ? { runId, address } : undefined;
}

/** The identity when user and token match a live run; undefined for any failure (no hints). */
export async function verifyCredentials(
  store: MailStore,
  domain: string,
  user: string,
  password: string,
): Promise<Identity | undefined> {
  const identity = parseLoginUser(user, domain);
  if (!identity) return undefined;
  const run = await store.getRun(identity.runId);
  if (!run || run.expiresAt.getTime() <= Date.now()) return undefined;
  return tokensEqual(password, run.token) ? identity : undefined;
}
