import { SandmailError } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { RunParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { FolderList, InboxList, InboxParams } from "../schemas/runs.js";

export interface InboxRoutesOptions {
  store: MailStore;
  access: RunAccess;
}

/** GET /v1/runs/{run}/inboxes; registered under the run-scoped prefix. */
export const inboxRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, { store, access }) => {
  app.get(
    "/inboxes",
    {
      schema: {
        tags: ["runs"],
        summary: "Inbox addresses of a run",
        description:
          "Every address that has received mail in this run, with message counts, sorted by address.",
        security: runSecurity,
        params: RunParams,
        response: { 200: json(InboxList, "The run's inboxes."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const inboxes = await store.listInboxes(access.runOf(request).id);
      return { inboxes: inboxes.map(({ address, messages, unseen }) => ({ address, messages, unseen })) };
    },
  );

  app.get(
    "/inboxes/:address/folders",
    {
      schema: {
        tags: ["runs"],
        summary: "Folders of an inbox",
        description:
          "The inbox's folders (INBOX, Sent, Drafts, Trash, Junk, Archive and any a client created) with counts, " +
          "as an IMAP client logged in as that address sees them.",
        security: runSecurity,
        params: InboxParams,
        response: { 200: json(FolderList, "The inbox's folders."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const address = request.params.address.toLowerCase();
      const mailboxes = await store.listMailboxes(run.id, address);
      if (mailboxes.length === 0) {
        throw new SandmailError("not_found", `run ${run.id} has no inbox ${JSON.stringify(address)}`);
      }
      return {
        folders: mailboxes.map(({ name, specialUse, messages, unseen }) => ({
          name,
          ...(specialUse !== undefined ? { specialUse } : {}),
          messages,
          unseen,
        })),
      };
    },
  );
};
