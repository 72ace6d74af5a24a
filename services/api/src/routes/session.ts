import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { NoContent, RunParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { clearSessionCookie, setSessionCookie } from "../ui/session-cookie.js";

export interface SessionRoutesOptions {
  access: RunAccess;
}

/**
 * POST/DELETE /v1/runs/{run}/session: the web UI trades the token from its link for a cookie, so
 * links to raw source, attachments and the HTML view open in a browser tab; registered under the
 * run-scoped prefix.
 */
export const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (app, { access }) => {
  app.post(
    "/session",
    {
      schema: {
        tags: ["runs"],
        summary: "Open a browser session for the run",
        description:
          "Sets an HttpOnly, SameSite=Strict cookie scoped to this run's routes (`Path=/v1/runs/{run}`), valid " +
          "until the run expires; with it a browser reads the run without an Authorization header. Changes " +
          "(PATCH, DELETE, POST) made with the cookie must carry this server's `Origin`.",
        security: runSecurity,
        params: RunParams,
        response: { 204: NoContent.describe("The cookie is set."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      setSessionCookie(request, reply, access.runOf(request));
      return reply.code(204).send();
    },
  );

  app.delete(
    "/session",
    {
      schema: {
        tags: ["runs"],
        summary: "End the browser session",
        description: "Clears the run's session cookie in this browser.",
        security: runSecurity,
        params: RunParams,
        response: {
          204: NoContent.describe("The cookie is cleared."),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      clearSessionCookie(request, reply, access.runOf(request).id);
      return reply.code(204).send();
    },
  );
};
