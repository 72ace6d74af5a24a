import type { FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route also takes the run token as `?token=` (for browser EventSource, which cannot set headers). */
    acceptsQueryToken?: boolean;
  }
}

/**
 * onRequest hook, ahead of run authentication: on routes that opt in with
 * `config.acceptsQueryToken`, a `?token=` stands in for a missing Authorization header, so the
 * one authentication path (and its constant-time comparison) checks it like any bearer token.
 */
const fromUrl = new WeakSet<FastifyRequest>();

/** True when the request's token was lifted from the URL: such a token may only be a run token. */
export function tokenFromUrl(request: FastifyRequest): boolean {
  return fromUrl.has(request);
}

export async function liftQueryToken(request: FastifyRequest): Promise<void> {
  if (request.routeOptions.config.acceptsQueryToken !== true) return;
  if (request.headers.authorization !== undefined) return;
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  if (typeof token === "string" && token.length > 0) {
    request.headers.authorization = `Bearer ${token}`;
    // URLs end up in logs, proxies and browser history: the API key never travels in one.
    fromUrl.add(request);
  }
}
