/**
 * Who a mail-client login (IMAP LOGIN / AUTHENTICATE, POP3 USER+PASS / AUTH) stands for. Inside
 * the sandmail domain the address names its run (`alice@<runId>.<domain>`); any other address
 * (caught by catch-all, or sent with SMTP AUTH) is written `<runId>/<address>`. The password is
 * always the run's token. The run id alone logs in to the whole run (IMAP's run-wide account).
 */
import type { Run } from "./domain.js";
import { normalizeAddress, RUN_ID_PATTERN, runIdFromAddress, tokensEqual } from "./ids.js";

export interface LoginIdentity {
  runId: string;
  /**
   * The inbox address (lowercased) whose folders the session sees; absent for the run-wide
   * account (the user is the run id), which sees every inbox of the run as its own hierarchy.
   */
  address?: string;
}

export function parseLoginUser(user: string, domain: string): LoginIdentity | undefined {
  const lower = user.trim().toLowerCase();
  if (RUN_ID_PATTERN.test(lower)) return { runId: lower };
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
export async function verifyLogin(
  runs: { getRun(runId: string): Promise<Run | undefined> },
  domain: string,
  user: string,
  password: string,
): Promise<LoginIdentity | undefined> {
  const identity = parseLoginUser(user, domain);
  if (!identity) return undefined;
  const run = await runs.getRun(identity.runId);
  if (!run || run.expiresAt.getTime() <= Date.now()) return undefined;
  return tokensEqual(password, run.token) ? identity : undefined;
}

export type SaslPlain =
  | { ok: true; user: string; password: string }
  | { ok: false; reason: "base64" | "malformed" | "authzid" };

/**
 * A SASL PLAIN response (RFC 4616), base64 as sent; `=` is the empty response (RFC 4959).
 * An authorization identity other than the user is refused: nobody may act as another.
 */
export function decodeSaslPlain(response: string): SaslPlain {
  const text = response === "=" ? "" : response;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return { ok: false, reason: "base64" };
  const parts = Buffer.from(text, "base64").toString("utf8").split("\0");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [authzid, user, password] = parts as [string, string, string];
  if (authzid && authzid.toLowerCase() !== user.toLowerCase()) return { ok: false, reason: "authzid" };
  return { ok: true, user, password };
}
