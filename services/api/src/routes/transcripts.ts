import { SandmailError, type SessionSummary, type SessionTranscript } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { RunParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { SessionList, SessionParams, SessionTranscriptView, TranscriptText } from "../schemas/transcripts.js";
import { preferredType } from "../support/accept.js";
import { summaryView, transcriptText, transcriptView } from "../views/transcript.js";

export interface TranscriptRoutesOptions {
  store: MailStore;
  access: RunAccess;
}

/** /v1/runs/{run}/sessions: what the run's SMTP, IMAP and POP3 sessions said. */
export const transcriptRoutes: FastifyPluginAsyncZod<TranscriptRoutesOptions> = async (
  app,
  { store, access },
) => {
  app.get(
    "/sessions",
    {
      schema: {
        tags: ["runs"],
        summary: "The run's protocol sessions",
        description:
          "SMTP, IMAP and POP3 sessions that touched the run (logged in as it, delivered to it, or logged in to one of its inboxes), " +
          "newest first, once they have ended. A ring per run keeps the newest (`SANDMAIL_TRANSCRIPT_SESSIONS`, default 200, " +
          "within `SANDMAIL_TRANSCRIPT_BYTES`, default 2 MiB).",
        security: runSecurity,
        params: RunParams,
        response: {
          200: json(SessionList, "The sessions, without their lines."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const sessions: SessionSummary[] = await store.listSessions(access.runOf(request).id);
      return { sessions: sessions.map(summaryView) };
    },
  );

  app.get(
    "/sessions/:id",
    {
      schema: {
        tags: ["runs"],
        summary: "One session's transcript",
        description:
          "Every line of the session in both directions with its time: as JSON, or as a plain-text transcript with `Accept: text/plain`. " +
          "Message bodies and literals are shown as their size; passwords and AUTH data as `[redacted]`.",
        security: runSecurity,
        params: SessionParams,
        response: {
          200: {
            description: "The transcript.",
            content: {
              "application/json": { schema: SessionTranscriptView },
              "text/plain": { schema: TranscriptText },
            },
          },
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const session: SessionTranscript | undefined = await store.getSession(run.id, request.params.id);
      if (!session) {
        throw new SandmailError(
          "session_not_found",
          `session ${request.params.id} not found in run ${run.id}`,
        );
      }
      if (preferredType(request.headers.accept, ["application/json", "text/plain"]) === "text/plain") {
        return reply.type("text/plain; charset=utf-8").send(transcriptText(session));
      }
      return transcriptView(session);
    },
  );
};
