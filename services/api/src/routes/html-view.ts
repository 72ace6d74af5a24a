import { SandmailError } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { MessageParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { htmlPreviewCsp, htmlPreviewDocument } from "../ui/html-preview.js";
import { findMessage } from "../views/find-message.js";
import type { ParsedMessages } from "../views/parsed-messages.js";

export interface HtmlViewRoutesOptions {
  store: MailStore;
  access: RunAccess;
  parsed: ParsedMessages;
}

const HtmlViewQuery = z.strictObject({
  remote: z
    .enum(["true", "false"])
    .optional()
    .describe("`true` lets the page load remote images, stylesheets and fonts (tracking pixels too)."),
});

/** GET /v1/runs/{run}/messages/{id}/html: the HTML body as an inert page; run-scoped prefix. */
export const htmlViewRoutes: FastifyPluginAsyncZod<HtmlViewRoutesOptions> = async (
  app,
  { store, access, parsed },
) => {
  app.get(
    "/messages/:id/html",
    {
      schema: {
        tags: ["messages"],
        summary: "The HTML body as a page",
        description:
          "The message's HTML for a browser: served under a CSP that sandboxes it (no scripts, no origin, no " +
          "forms) and blocks every remote load unless `remote=true`; inline (cid:) images are embedded.",
        security: runSecurity,
        params: MessageParams,
        querystring: HtmlViewQuery,
        response: {
          200: { description: "The HTML page.", content: { "text/html": { schema: z.string() } } },
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const { id } = request.params;
      const msg = await findMessage(store, run, id);
      const { parsed: message } = await parsed.get(run, msg);
      if (message.html === undefined) throw new SandmailError("not_found", `message ${id} has no HTML body`);
      return reply
        .headers({
          "content-security-policy": htmlPreviewCsp(request.query.remote === "true"),
          "x-content-type-options": "nosniff",
          "referrer-policy": "no-referrer",
          "cache-control": "private, no-cache",
        })
        .type("text/html; charset=utf-8")
        .serializer((body: string) => body)
        .send(htmlPreviewDocument(message.html, message.attachments));
    },
  );
};
