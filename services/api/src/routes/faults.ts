import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { RunParams } from "../schemas/common.js";
import { Faults, PutFaultsBody } from "../schemas/faults.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";

export interface FaultRoutesOptions {
  store: MailStore;
  access: RunAccess;
}

/** /v1/runs/{run}/faults: SMTP faults injected into this run's traffic only. */
export const faultRoutes: FastifyPluginAsyncZod<FaultRoutesOptions> = async (app, { store, access }) => {
  app.put(
    "/faults",
    {
      schema: {
        tags: ["runs"],
        summary: "Set the run's SMTP fault rules",
        description:
          "Replaces the run's fault rules; counts, seeded draws and greylisting start afresh. " +
          "Before RCPT a rule acts on sessions authenticated as the run; from RCPT on on the run's recipients, never on another run's. " +
          "Every process sharing a Redis store applies the same rules and counts.",
        security: runSecurity,
        params: RunParams,
        body: PutFaultsBody,
        response: {
          200: json(Faults, "The rules as kept (seeds filled in), with their counters."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => ({ rules: await store.setFaults(access.runOf(request).id, request.body.rules) }),
  );

  app.get(
    "/faults",
    {
      schema: {
        tags: ["runs"],
        summary: "The run's SMTP fault rules",
        description: "Each rule with what remains of its `count` and how often it fired.",
        security: runSecurity,
        params: RunParams,
        response: { 200: json(Faults, "The rules."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => ({ rules: await store.getFaults(access.runOf(request).id) }),
  );

  app.delete(
    "/faults",
    {
      schema: {
        tags: ["runs"],
        summary: "Clear the run's SMTP fault rules",
        description: "Removes every rule: the run's mail is answered normally again.",
        security: runSecurity,
        params: RunParams,
        response: { 200: json(Faults, "No rules."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => ({ rules: await store.setFaults(access.runOf(request).id, []) }),
  );
};
