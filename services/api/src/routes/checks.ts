import { isBroken } from "@sandmail/checks";
import { SandmailError } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { clientsFromQuery, type MessageChecks } from "../checks/message-checks.js";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import {
  HtmlCheckQuery,
  HtmlCheckResult,
  LinkCheckQuery,
  LinkCheckResult,
  SpamCheckResult,
} from "../schemas/checks.js";
import { MessageParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { findMessage } from "../views/find-message.js";
import type { ParsedMessages } from "../views/parsed-messages.js";

export interface CheckRoutesOptions {
  store: MailStore;
  access: RunAccess;
  parsed: ParsedMessages;
  checks: MessageChecks;
}

/** GET .../checks/html, POST .../checks/links, GET .../checks/spam. */
export const checkRoutes: FastifyPluginAsyncZod<CheckRoutesOptions> = async (
  app,
  { store, access, parsed, checks },
) => {
  app.get(
    "/messages/:id/checks/html",
    {
      schema: {
        operationId: "checkMessageHtml",
        tags: ["checks"],
        summary: "HTML client compatibility",
        description:
          "Each HTML and CSS feature the message uses that some email client does not (fully) support, from the caniemail.com " +
          "data shipped with sandmail (no network), plus sandmail's own template checks: no plain-text part, `<img>` without " +
          "alt, HTML over 102 KB (Gmail clips it), images or links over http:.",
        security: runSecurity,
        params: MessageParams,
        querystring: HtmlCheckQuery,
        response: {
          200: json(HtmlCheckResult, "The warnings and a score."),
          ...problemResponses(400, 401, 404, 502),
        },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const clients = clientsFromQuery(request.query.clients);
      const entry = await parsed.get(run, await findMessage(store, run, request.params.id));
      return checks.html(entry.parsed, clients);
    },
  );

  app.post(
    "/messages/:id/checks/links",
    {
      schema: {
        operationId: "checkMessageLinks",
        tags: ["checks"],
        summary: "Link health",
        description:
          "Fetches every extracted link (HEAD, then GET when HEAD fails), following up to 5 redirects, 5 s each, 4 at once. " +
          "Link-local (cloud metadata) addresses are refused; `SANDMAIL_LINK_CHECK_ALLOW` restricts the hosts further.",
        security: runSecurity,
        params: MessageParams,
        querystring: LinkCheckQuery,
        response: { 200: json(LinkCheckResult, "One result per URL."), ...problemResponses(401, 404) },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const entry = await parsed.get(run, await findMessage(store, run, request.params.id));
      const links = await checks.links(checks.urls(entry.parsed, request.query.images));
      return { links, ok: !links.some(isBroken) };
    },
  );

  app.get(
    "/messages/:id/checks/spam",
    {
      schema: {
        operationId: "checkMessageSpam",
        tags: ["checks"],
        summary: "Spam score",
        description:
          "Asks the configured engine (SpamAssassin's spamd with `SANDMAIL_SPAMD`, or rspamd with `SANDMAIL_RSPAMD_URL`) to " +
          "score the message as stored. Without one: 501 `check_not_configured`.",
        security: runSecurity,
        params: MessageParams,
        response: {
          200: json(SpamCheckResult, "The engine's verdict."),
          ...problemResponses(401, 404, 501, 502),
        },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const msg = await findMessage(store, run, request.params.id);
      const raw = await store.getRaw(run.id, msg.id);
      if (!raw) throw new SandmailError("message_not_found", `message ${msg.id} not found in run ${run.id}`);
      return checks.spam(raw);
    },
  );
};
