import type { SandmailMetrics } from "@sandmail/metrics";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { MetricsText } from "../schemas/metrics.js";

export interface MetricsRoutesOptions {
  metrics: Pick<SandmailMetrics, "registry">;
}

/** GET /metrics: the registry this app was given, unauthenticated like /healthz. */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsRoutesOptions> = async (app, { metrics }) => {
  const { registry } = metrics;
  app.get(
    "/metrics",
    {
      schema: {
        tags: ["health"],
        summary: "Prometheus metrics",
        description:
          "Counters and gauges of this process in the Prometheus text format, for a scraper: SMTP message outcomes " +
          "and open sessions, IMAP connections and commands, API requests by route pattern and status, held waits " +
          "and open event streams, and Node's process metrics. In the all-in-one server that is every front end; " +
          "a scale-out process reports only its own. Needs no token, like `/healthz`: it names no run, address or " +
          "token.",
        response: {
          200: {
            description: "The metrics, `text/plain; version=0.0.4`.",
            content: { "text/plain": { schema: MetricsText } },
          },
        },
      },
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
};
