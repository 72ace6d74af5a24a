import { SandmailError } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { flagChanges } from "../changes/flag-changes.js";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { listMessagePage } from "../queries/list-messages.js";
import { AttachmentParams, MessageParams, NoContent, RunParams } from "../schemas/common.js";
import {
  Binary,
  ListMessagesQuery,
  MessageDetail,
  MessageList,
  MessageSummary,
  PatchMessageBody,
} from "../schemas/messages.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { contentDisposition, safeMediaType } from "../support/content-disposition.js";
import { sendJson } from "../support/json-stream.js";
import { findMessage } from "../views/find-message.js";
import { messageDetailView, messageSummaryView } from "../views/message.js";
import type { ParsedMessages } from "../views/parsed-messages.js";
import { listFilter } from "../wait/list-filter.js";

export interface MessageRoutesOptions {
  store: MailStore;
  access: RunAccess;
  parsed: ParsedMessages;
}

// Stored mail is untrusted content served from the API's origin: never let a browser run it.
const untrustedContentHeaders = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "sandbox; default-src 'none'",
};

/** /v1/runs/{run}/messages and below; registered under the run-scoped prefix. */
export const messageRoutes: FastifyPluginAsyncZod<MessageRoutesOptions> = async (
  app,
  { store, access, parsed },
) => {
  app.get(
    "/messages",
    {
      schema: {
        tags: ["messages"],
        summary: "List messages",
        description:
          "Message summaries, newest first, paged by `cursor`, filtered by the criteria of GET .../messages/wait.",
        security: runSecurity,
        params: RunParams,
        querystring: ListMessagesQuery,
        response: { 200: json(MessageList, "One page of summaries."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const filter = listFilter(request.query, parsed, run);
      const page = await listMessagePage(store, run.id, {
        ...request.query,
        filter: filter?.test,
        recipient: filter?.recipient,
      });
      return {
        messages: page.messages.map(messageSummaryView),
        ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
      };
    },
  );

  app.get(
    "/messages/:id",
    {
      schema: {
        tags: ["messages"],
        summary: "Read a message",
        description:
          "The full message: summary, folder and UID, SMTP envelope, headers, text, HTML and attachments.",
        security: runSecurity,
        params: MessageParams,
        response: { 200: json(MessageDetail, "The full message."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const msg = await findMessage(store, run, request.params.id);
      const entry = await parsed.get(run, msg);
      return sendJson(reply, messageDetailView(msg, entry.parsed, entry.error));
    },
  );

  app.get(
    "/messages/:id/raw",
    {
      schema: {
        tags: ["messages"],
        summary: "The exact stored bytes",
        description:
          "The message byte for byte as stored (CRLF line endings, prepended trace headers included).",
        security: runSecurity,
        params: MessageParams,
        response: {
          200: { description: "The raw message.", content: { "message/rfc822": { schema: Binary } } },
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const raw = await store.getRaw(run.id, request.params.id);
      if (!raw)
        throw new SandmailError(
          "message_not_found",
          `message ${request.params.id} not found in run ${run.id}`,
        );
      return reply.headers(untrustedContentHeaders).type("message/rfc822").send(raw);
    },
  );

  app.get(
    "/messages/:id/attachments/:n",
    {
      schema: {
        tags: ["messages"],
        summary: "Download an attachment",
        description:
          "The decoded bytes of attachment `n` (its `index` in the message view), with its content type.",
        security: runSecurity,
        params: AttachmentParams,
        response: {
          200: {
            description: "The attachment.",
            content: { "application/octet-stream": { schema: Binary } },
          },
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const { id, n } = request.params;
      const msg = await findMessage(store, run, id);
      const attachment = (await parsed.get(run, msg)).parsed.attachments[n];
      if (!attachment) throw new SandmailError("not_found", `message ${id} has no attachment ${n}`);
      return reply
        .headers(untrustedContentHeaders)
        .header("content-disposition", contentDisposition("attachment", attachment.filename))
        .type(safeMediaType(attachment.contentType))
        .send(attachment.content);
    },
  );

  app.patch(
    "/messages/:id",
    {
      schema: {
        tags: ["messages"],
        summary: "Change flags, move",
        description:
          "Marks read/unread, flagged, sets keywords, or moves the message to another folder of its inbox. " +
          "IMAP clients see the change at once.",
        security: runSecurity,
        params: MessageParams,
        body: PatchMessageBody,
        response: {
          200: json(MessageSummary, "The message after the change."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      const { id } = request.params;
      const ops = flagChanges(request.body);
      const msg = await findMessage(store, run, id);
      const target =
        request.body.mailbox !== undefined
          ? await store.getMailbox(run.id, msg.address, request.body.mailbox)
          : undefined;
      if (request.body.mailbox !== undefined && !target) {
        throw new SandmailError(
          "mailbox_not_found",
          `inbox ${msg.address} has no folder ${JSON.stringify(request.body.mailbox)}`,
        );
      }
      for (const op of ops) await store.updateFlags(run.id, [id], op);
      if (target && target.id !== msg.mailboxId) await store.moveMessages(run.id, [id], target.id);
      return messageSummaryView(await findMessage(store, run, id));
    },
  );

  app.delete(
    "/messages/:id",
    {
      schema: {
        tags: ["messages"],
        summary: "Delete a message",
        description: "Removes the message for good; IMAP clients see it expunged.",
        security: runSecurity,
        params: MessageParams,
        response: { 204: NoContent.describe("The message is gone."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const removed = await store.deleteMessages(run.id, [request.params.id]);
      if (removed === 0) {
        throw new SandmailError(
          "message_not_found",
          `message ${request.params.id} not found in run ${run.id}`,
        );
      }
      return reply.code(204).send();
    },
  );
};
