import { SandmailError } from "@sandmail/core";
import type { MailStore, Webhook, WebhookDelivery } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { NoContent, RunParams } from "../schemas/common.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import {
  CreatedWebhook,
  CreateWebhookBody,
  DeliveryList,
  DeliveryParams,
  DeliveryView,
  WebhookList,
  WebhookParams,
} from "../schemas/webhooks.js";
import type { WebhookService } from "../webhooks/webhook-service.js";

export interface WebhookRoutesOptions {
  store: MailStore;
  access: RunAccess;
  webhooks: WebhookService;
}

const webhookView = (h: Webhook) => ({
  id: h.id,
  url: h.url,
  events: [...h.events],
  createdAt: h.createdAt.toISOString(),
});

function deliveryView(d: WebhookDelivery) {
  const last = d.attempts.at(-1);
  return {
    id: d.id,
    event: d.event,
    attempt: d.attempt,
    status: d.status,
    responseStatus: last?.responseStatus ?? null,
    durationMs: last?.durationMs ?? null,
    at: last ? last.at.toISOString() : null,
    nextAttemptAt: d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
    createdAt: d.createdAt.toISOString(),
    attempts: d.attempts.map((a) => ({ ...a, at: a.at.toISOString() })),
  };
}

/** /v1/runs/{run}/webhooks: signed callbacks for the run's mail, and their delivery log. */
export const webhookRoutes: FastifyPluginAsyncZod<WebhookRoutesOptions> = async (
  app,
  { store, access, webhooks },
) => {
  app.post(
    "/webhooks",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Create a webhook",
        description:
          "From now on, each matching event of the run is POSTed to `url` as JSON `{type, timestamp, data}`, signed per Standard Webhooks " +
          "(`webhook-id`, `webhook-timestamp`, `webhook-signature`). A 2xx within the timeout (10 s) is success; anything else is retried " +
          "with exponential backoff and jitter (SANDMAIL_WEBHOOK_RETRY_SCHEDULE, default 5s,30s,2m,10m,30m,1h), then marked failed. " +
          "Deliveries of a webhook arrive in the order of the run's events. The secret is shown only in this answer.",
        security: runSecurity,
        params: RunParams,
        body: CreateWebhookBody,
        response: {
          201: json(CreatedWebhook, "The webhook, with its signing secret."),
          ...problemResponses(400, 401, 404, 507),
        },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const { url, events } = request.body;
      const hook = await webhooks.create(run.id, url, events ?? ["message.received"]);
      return reply.code(201).send({ ...webhookView(hook), secret: hook.secret });
    },
  );

  app.get(
    "/webhooks",
    {
      schema: {
        tags: ["webhooks"],
        summary: "List the run's webhooks",
        description: "Every webhook of the run, oldest first, without secrets.",
        security: runSecurity,
        params: RunParams,
        response: { 200: json(WebhookList, "The webhooks."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => ({ webhooks: (await store.webhooks.list(access.runOf(request).id)).map(webhookView) }),
  );

  app.delete(
    "/webhooks/:id",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Delete a webhook",
        description:
          "Stops its deliveries (an attempt already under way finishes) and drops its delivery log.",
        security: runSecurity,
        params: WebhookParams,
        response: { 204: NoContent.describe("Deleted."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await store.webhooks.delete(access.runOf(request).id, id)))
        throw new SandmailError("webhook_not_found", `webhook ${id} not found`);
      return reply.code(204).send();
    },
  );

  app.get(
    "/webhooks/:id/deliveries",
    {
      schema: {
        tags: ["webhooks"],
        summary: "List a webhook's deliveries",
        description: "One entry per event delivered (or being delivered), oldest first, with every attempt.",
        security: runSecurity,
        params: WebhookParams,
        response: { 200: json(DeliveryList, "The delivery log."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const deliveries = await store.webhooks.listDeliveries(access.runOf(request).id, request.params.id);
      return { deliveries: deliveries.map(deliveryView) };
    },
  );

  app.post(
    "/webhooks/:id/deliveries/:delivery/retry",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Redeliver a delivery",
        description:
          "Puts a succeeded or failed delivery back in the webhook's queue for a new round of attempts (same `webhook-id`, same body). " +
          "A delivery still pending is left as it is.",
        security: runSecurity,
        params: DeliveryParams,
        response: {
          202: json(DeliveryView, "The delivery, pending again."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      const { id, delivery: deliveryId } = request.params;
      const found = await store.webhooks.getDelivery(run.id, deliveryId);
      if (!found || found.webhookId !== id)
        throw new SandmailError("delivery_not_found", `delivery ${deliveryId} not found`);
      const { delivery, start } = await store.webhooks.retry(run.id, deliveryId);
      if (!delivery) throw new SandmailError("delivery_not_found", `delivery ${deliveryId} not found`);
      if (start) await webhooks.dispatcher.startDelivery(run.id, start);
      return reply.code(202).send(deliveryView(delivery));
    },
  );
};
