import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { evaluateAll } from "../assert/evaluate.js";
import type { MessageChecks } from "../checks/message-checks.js";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { AssertBody, AssertResult } from "../schemas/assert.js";
import { MessageParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { findMessage } from "../views/find-message.js";
import { messageContent, type ParsedMessages } from "../views/parsed-messages.js";

export interface AssertRoutesOptions {
  store: MailStore;
  access: RunAccess;
  parsed: ParsedMessages;
  checks: MessageChecks;
}

/** POST /v1/runs/{run}/messages/{id}/assert: many checks in one call, each with what was there instead. */
export const assertRoutes: FastifyPluginAsyncZod<AssertRoutesOptions> = async (
  app,
  { store, access, parsed, checks },
) => {
  app.post(
    "/messages/:id/assert",
    {
      schema: {
        tags: ["messages"],
        summary: "Check assertions",
        description:
          "Checks each assertion (headers, subject, from/to, envelope recipients, SPF/DKIM/DMARC/ARC results, links, codes, attachments) " +
          "and reports every verdict with the actual value. Always 200 when the request is valid: `pass` says whether all held.",
        security: runSecurity,
        params: MessageParams,
        body: AssertBody,
        response: {
          200: json(AssertResult, "The verdicts, one per assertion, in order."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const { id } = request.params;
      const msg = await findMessage(store, run, id);
      const entry = await parsed.get(run, msg);
      const results = await checks.forAssertions(request.body.assertions, entry.parsed, () =>
        store.getRaw(run.id, msg.id),
      );
      return evaluateAll(request.body.assertions, {
        msg,
        parsed: entry.parsed,
        content: messageContent(entry.parsed),
        ...(results ? { checks: results } : {}),
      });
    },
  );
};
