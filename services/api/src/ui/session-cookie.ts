import { createHmac } from "node:crypto";
import { type Run, tokensEqual } from "@sandmail/core";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The browser session of one run: an HttpOnly, SameSite=Strict cookie whose path is the run's API
 * prefix, so the browser sends it only to that run's routes and each run a browser has opened
 * keeps a cookie of its own. Its value is derived from the run token (HMAC), so any API process
 * sharing the store can check it without session state, it dies with the run, and it never
 * reveals the token (which is also the run's SMTP and IMAP password).
 */
export const SESSION_COOKIE = "sandmail_session";

function sessionValue(run: Run): string {
  return createHmac("sha256", run.token)
    .update(`sandmail ui session\n${run.id}\n${run.createdAt.getTime()}`)
    .digest("base64url");
}

function sessionCookiePath(runId: string): string {
  return `/v1/runs/${runId}`;
}

export function isValidSession(run: Run, value: string): boolean {
  return tokensEqual(value, sessionValue(run));
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, run: Run): void {
  const maxAge = Math.max(0, Math.floor((run.expiresAt.getTime() - Date.now()) / 1000));
  reply.setCookie(SESSION_COOKIE, sessionValue(run), {
    path: sessionCookiePath(run.id),
    httpOnly: true,
    sameSite: "strict",
    secure: request.protocol === "https",
    maxAge,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, runId: string): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: sessionCookiePath(runId),
    httpOnly: true,
    sameSite: "strict",
    secure: request.protocol === "https",
  });
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * SameSite=Strict does not stop other origins of the same site (an app under test on
 * localhost:3000 is same-site with localhost:8025), so a cookie-authenticated change must also
 * come from this origin. Browsers send Origin on every non-GET request.
 */
export function isSameOriginChange(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const origin = request.headers.origin;
  return typeof origin === "string" && origin === `${request.protocol}://${request.host}`;
}
