import type { SandmailMetrics } from "@sandmail/metrics";
import type { FastifyInstance } from "fastify";

/** Requests that matched no route share one label, so probing random URLs adds no series. */
const UNMATCHED_ROUTE = "unmatched";

/**
 * Counts every answered request as `sandmail_api_requests_total{route,status}`. The route label is
 * the pattern fastify matched (`/v1/runs/:run/messages/:id`), never the URL with its ids. Added on
 * the root instance before any route, so the run-scoped routes (and their 401s) are counted too.
 */
export function installRequestMetrics(
  app: FastifyInstance,
  metrics: Pick<SandmailMetrics, "apiRequests">,
): void {
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.apiRequests.inc({ route, status: String(reply.statusCode) });
  });
}
