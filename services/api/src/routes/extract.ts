import { compilePatternText } from "@sandmail/matcher";
import { extractByPattern, extractInput } from "@sandmail/mime";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { MessageParams } from "../schemas/common.js";
import { ExtractQuery, ExtractResult } from "../schemas/extract.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { findMessage } from "../views/find-message.js";
import type { ParsedMessages } from "../views/parsed-messages.js";

export interface ExtractRoutesOptions {
  store: MailStore;
  access: RunAccess;
  parsed: ParsedMessages;
}

/** GET /v1/runs/{run}/messages/{id}/extract: anything links and codes do not cover, by pattern. */
export const extractRoutes: FastifyPluginAsyncZod<ExtractRoutesOptions> = async (
  app,
  { store, access, parsed },
) => {
  app.get(
    "/messages/:id/extract",
    {
      schema: {
        tags: ["messages"],
        summary: "Extract by regular expression",
        description:
          "Every match of `pattern` in the subject, the text part and the HTML markup as written (so hrefs and attributes match), with capture groups. " +
          "Links and one-time codes are already in the message view as `links` and `codes`.",
        security: runSecurity,
        params: MessageParams,
        querystring: ExtractQuery,
        response: { 200: json(ExtractResult, "The matches."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const { id } = request.params;
      // Checked by the schema already; compiled before the message is read so bad input costs nothing.
      const pattern = compilePatternText(request.query.pattern);
      const msg = await findMessage(store, run, id);
      const entry = await parsed.get(run, msg);
      return { matches: extractByPattern(extractInput(entry.parsed), pattern) };
    },
  );
};
