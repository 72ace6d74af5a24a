import { RUN_ID_PATTERN, type Run, SandmailError, tokensEqual } from "@sandmail/core";
import { clientKey, type LoginThrottle } from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import type { FastifyRequest } from "fastify";
import { tokenFromUrl } from "../events/query-token.js";
import { isSameOriginChange, isValidSession, SESSION_COOKIE } from "../ui/session-cookie.js";

export interface RunAccess {
  /** onRequest hook of run-scoped routes: resolves `:run` and checks the bearer token against it. */
  authenticateRun(request: FastifyRequest): Promise<void>;
  /** onRequest hook of admin routes (creating runs): needs the API key when one is configured. */
  requireAdmin(request: FastifyRequest): Promise<void>;
  /**
   * onRequest hook of operator routes that read every run (the run list): the API key when one is
   * configured; without one, only a server bound to loopback answers, and only to loopback callers.
   */
  requireOperator(request: FastifyRequest): Promise<void>;
  /** The run authenticated for this request; only valid behind `authenticateRun`. */
  runOf(request: FastifyRequest): Run;
}

export interface RunAccessOptions {
  store: MailStore;
  /** SANDMAIL_API_KEY: when set, needed to create runs and accepted for any run (admin). */
  apiKey?: string | undefined;
  /** Wrong tokens and API keys from an address slow its next attempts down, then get 429. */
  loginThrottle: LoginThrottle;
  /** Whether the API listens on a loopback address only (SANDMAIL_HOST). */
  loopbackBind?: boolean;
}

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6; `localhost` as a configured host name. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

function sessionCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies?.[SESSION_COOKIE];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Run-scoped authentication. Order of checks: no token (nor session cookie) -> 401, no such run
 * -> 404, a token that is neither the run's nor the API key -> 401. A browser's session cookie
 * (see ui/session-cookie.ts) stands in for the token when there is no Authorization header;
 * changes made with it must come from this origin. The authenticated run is remembered per request
 * object, so handlers read it without a second lookup and never from the raw URL.
 */
export function createRunAccess({
  store,
  apiKey,
  loginThrottle,
  loopbackBind = false,
}: RunAccessOptions): RunAccess {
  const runs = new WeakMap<FastifyRequest, Run>();
  const isApiKey = (token: string) => apiKey !== undefined && tokensEqual(token, apiKey);

  async function admit(request: FastifyRequest): Promise<string> {
    const client = clientKey(request.ip);
    const admission = await loginThrottle.admit(client);
    if (!admission.admitted) {
      const retryAfterSeconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
      throw new SandmailError(
        "too_many_requests",
        "too many wrong tokens from your address, try again later",
        {
          retryAfterSeconds,
        },
      );
    }
    return client;
  }

  async function requireApiKey(request: FastifyRequest, what: string): Promise<void> {
    const token = bearerToken(request);
    const client = token === undefined ? undefined : await admit(request);
    if (token === undefined || !isApiKey(token)) {
      if (client !== undefined) loginThrottle.failed(client);
      throw new SandmailError("unauthorized", `${what} needs \`Authorization: Bearer <api key>\``);
    }
  }

  return {
    async authenticateRun(request) {
      const token = bearerToken(request);
      const session = token === undefined ? sessionCookie(request) : undefined;
      if (token === undefined && session === undefined) {
        throw new SandmailError("unauthorized", "missing `Authorization: Bearer <run token>` header");
      }
      const runId = (request.params as { run?: unknown }).run;
      if (typeof runId !== "string" || !RUN_ID_PATTERN.test(runId)) {
        throw new SandmailError("run_not_found", `run ${JSON.stringify(String(runId))} not found`);
      }
      const client = await admit(request);
      const run = await store.getRun(runId);
      if (!run) throw new SandmailError("run_not_found", `run ${runId} not found`);
      if (session !== undefined) {
        if (!isValidSession(run, session)) {
          loginThrottle.failed(client);
          throw new SandmailError("unauthorized", `the session is not valid for run ${runId}`);
        }
        if (!isSameOriginChange(request)) {
          throw new SandmailError(
            "forbidden",
            "a change made with a session cookie must come from this origin",
          );
        }
      } else if (
        token !== undefined &&
        !tokensEqual(token, run.token) &&
        !(isApiKey(token) && !tokenFromUrl(request))
      ) {
        loginThrottle.failed(client);
        throw new SandmailError("unauthorized", `the token is not valid for run ${runId}`);
      }
      runs.set(request, run);
    },

    async requireAdmin(request) {
      if (apiKey !== undefined) await requireApiKey(request, "creating runs");
    },

    async requireOperator(request) {
      if (apiKey !== undefined) return requireApiKey(request, "listing runs");
      if (!loopbackBind || !isLoopback(request.socket.remoteAddress ?? "")) {
        throw new SandmailError(
          "forbidden",
          "listing runs needs SANDMAIL_API_KEY on a server that is not bound to loopback only",
        );
      }
    },

    runOf(request) {
      const run = runs.get(request);
      if (!run) throw new SandmailError("internal", "route is missing run authentication");
      return run;
    },
  };
}
