import type { Config } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Endpoints } from "../options.js";
import { adminSecurity, runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { NoContent, RunParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { ConnectionSettings, CreatedRun, createRunBody, RunInfo, RunList } from "../schemas/runs.js";
import { connectionSettingsView, createdRunView, runInfoView, runListItemView } from "../views/run.js";

export interface RunsRoutesOptions {
  config: Config;
  store: MailStore;
  access: RunAccess;
  endpoints: Endpoints;
  /** Whether this server serves the web UI (POST /v1/runs then answers with its link). */
  servesUi?: boolean;
}

/** POST /v1/runs and the operator's GET /v1/runs: not run-scoped. */
export const createRunRoutes: FastifyPluginAsyncZod<RunsRoutesOptions> = async (
  app,
  { config, store, access, endpoints, servesUi },
) => {
  app.post(
    "/v1/runs",
    {
      onRequest: access.requireAdmin,
      schema: {
        tags: ["runs"],
        summary: "Create a run",
        description:
          "Creates an isolated run: mail to any address at its `domain` lands in it. Answers with the run token " +
          "and ready-to-paste SMTP (and IMAP) settings. Needs the API key when the server sets SANDMAIL_API_KEY.",
        security: adminSecurity,
        body: createRunBody(config.SANDMAIL_MAX_RUN_TTL_SECONDS, config.SANDMAIL_RUN_TTL_SECONDS),
        response: {
          201: json(CreatedRun, "The new run, with its token and connection settings."),
          ...problemResponses(400, 401, 507),
        },
      },
    },
    async (request, reply) => {
      const { ttlSeconds, label } = request.body;
      const run = await store.createRun({
        ttlSeconds: ttlSeconds ?? config.SANDMAIL_RUN_TTL_SECONDS,
        ...(label !== undefined ? { label } : {}),
        limits: { maxMessages: config.SANDMAIL_RUN_MAX_MESSAGES, maxBytes: config.SANDMAIL_RUN_MAX_BYTES },
      });
      const uiOrigin = servesUi ? `${request.protocol}://${request.host}` : undefined;
      return reply.code(201).send(createdRunView(run, config, endpoints, uiOrigin));
    },
  );

  app.get(
    "/v1/runs",
    {
      onRequest: access.requireOperator,
      schema: {
        tags: ["runs"],
        summary: "List runs",
        description:
          "Every live run with its counts and token, newest first, for the operator (the web UI's run list). " +
          "Needs the API key when the server sets SANDMAIL_API_KEY; without a key only a server bound to " +
          "loopback answers (403 otherwise).",
        security: adminSecurity,
        response: {
          200: json(RunList, "The live runs."),
          ...problemResponses(401, 403, 429),
        },
      },
    },
    async () => ({
      runs: (await store.listRuns()).map(({ run, counts }) => runListItemView(run, counts, config)),
    }),
  );
};

/** GET and DELETE /v1/runs/{run}; registered under the run-scoped prefix. */
export const runRoutes: FastifyPluginAsyncZod<RunsRoutesOptions> = async (
  app,
  { config, store, access, endpoints },
) => {
  app.get(
    "",
    {
      schema: {
        tags: ["runs"],
        summary: "Run info and counts",
        security: runSecurity,
        params: RunParams,
        response: { 200: json(RunInfo, "The run and what it holds."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      return runInfoView(run, await store.runCounts(run.id), config);
    },
  );

  app.get(
    "/settings",
    {
      schema: {
        tags: ["runs"],
        summary: "SMTP and IMAP settings",
        description:
          "The connection settings POST /v1/runs answered with, for a caller that holds the run's token or " +
          "browser session (the web UI's settings panel).",
        security: runSecurity,
        params: RunParams,
        response: {
          200: json(ConnectionSettings, "Where and how to connect."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => connectionSettingsView(access.runOf(request), config, endpoints),
  );

  app.delete(
    "",
    {
      schema: {
        tags: ["runs"],
        summary: "Delete a run and all its mail",
        security: runSecurity,
        params: RunParams,
        response: {
          204: NoContent.describe("The run and all its mail are gone."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      await store.deleteRun(access.runOf(request).id);
      return reply.code(204).send();
    },
  );
};
