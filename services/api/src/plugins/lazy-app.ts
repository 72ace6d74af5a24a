import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Hop-by-hop and framing headers: the outer reply sets its own. */
const NOT_FORWARDED = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "date"]);

export interface LazyApp {
  /** The inner instance, built (and made ready) by the first call. */
  instance(): Promise<FastifyInstance>;
  /** A route handler answering with what the inner instance answers to the same request. */
  forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  close(): Promise<void>;
}

/**
 * Pages that nobody needs before the server is ready (the API docs, the web UI's files) are served
 * by a fastify instance of their own, built on the first request to them: their plugins
 * (@fastify/swagger, @fastify/static and what they load) then cost nothing at start-up, which is
 * most of what building the API would otherwise spend. The outer routes forward each request
 * with `inject` (bodies are buffered: these are small static files and documents); a 404 goes to
 * the outer not-found handler, so it is the API's problem+json like any other.
 */
export function lazyApp(build: () => Promise<FastifyInstance>): LazyApp {
  let building: Promise<FastifyInstance> | undefined;
  const instance = () => {
    building ??= build().then(
      async (app) => {
        await app.ready();
        return app;
      },
      (err: unknown) => {
        // A failed build is tried again by the next request rather than remembered.
        building = undefined;
        throw err;
      },
    );
    return building;
  };
  return {
    instance,
    async forward(request, reply) {
      const inner = await instance();
      // HEAD is asked as GET: the outer HEAD route (fastify's, for every GET) drops the body itself
      // and keeps its length.
      const res = await inner.inject({
        method: request.method === "HEAD" ? "GET" : (request.method as "GET"),
        url: request.url,
        headers: request.headers,
      });
      if (res.statusCode === 404) {
        reply.callNotFound();
        return reply;
      }
      for (const [name, value] of Object.entries(res.headers))
        if (value !== undefined && !NOT_FORWARDED.has(name)) reply.header(name, value);
      return reply.code(res.statusCode).send(res.rawPayload);
    },
    async close() {
      const app = await building?.catch(() => undefined);
      await app?.close();
    },
  };
}
