import { SandmailError } from "@sandmail/core";
import type { CatchAllRun, MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { Health } from "../schemas/health.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";

export interface HealthRoutesOptions {
  store: MailStore;
  catchAll?: Pick<CatchAllRun, "ensure">;
}

export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { store, catchAll }) => {
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["health"],
        summary: "Liveness",
        description: "200 while the process serves requests; says nothing about the store.",
        response: { 200: json(Health, "The process is alive.") },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "Readiness",
        description:
          "200 when the mail store answers and the catch-all run (when this process has one) exists, " +
          "created again if the store lost it; 503 (`store_unavailable`) otherwise.",
        response: { 200: json(Health, "The store answers."), ...problemResponses(503) },
      },
    },
    async (request) => {
      try {
        await store.ping();
        await catchAll?.ensure();
      } catch (err) {
        // The cause (addresses, driver messages) goes to the log, not to the caller.
        request.log.warn({ err }, "store ping failed");
        throw new SandmailError("store_unavailable", "the mail store is unreachable");
      }
      return { status: "ok" as const };
    },
  );
};
