import { WEBHOOK_EVENTS } from "@sandmail/store";
import { z } from "zod";
import { RunId, Timestamp } from "./common.js";

const HOOK = {
  id: "wh_k3x9q2m7zab4c8",
  url: "http://127.0.0.1:4000/hooks/mail",
  events: ["message.received"],
  createdAt: "2026-03-01T12:00:00.000Z",
};
const DELIVERY = {
  id: "msg_2f8kq0c1x7m3n9p4r6s1",
  event: "message.received",
  attempt: 2,
  status: "succeeded",
  responseStatus: 200,
  durationMs: 4,
  at: "2026-03-01T12:00:05.120Z",
  nextAttemptAt: null,
  createdAt: "2026-03-01T12:00:00.010Z",
  attempts: [
    { attempt: 1, at: "2026-03-01T12:00:00.011Z", responseStatus: 500, durationMs: 3, error: null },
    { attempt: 2, at: "2026-03-01T12:00:05.120Z", responseStatus: 200, durationMs: 4, error: null },
  ],
};

export const WebhookEventName = z
  .enum(WEBHOOK_EVENTS)
  .describe(
    "`message.received`: a message was stored (SMTP, IMAP APPEND or COPY); `message.flags`, `message.moved`, `message.expunged`: it changed.",
  );

export const CreateWebhookBody = z
  .strictObject({
    url: z
      .string()
      .max(2048)
      .url()
      .describe(
        "Where deliveries are POSTed (http or https). Private and loopback addresses are allowed; link-local ones (169.254.0.0/16, fd00:ec2::254) are refused, also after DNS; SANDMAIL_WEBHOOK_ALLOW restricts further.",
      )
      .meta({ examples: ["http://127.0.0.1:4000/hooks/mail"] }),
    events: z
      .array(WebhookEventName)
      .min(1)
      .max(WEBHOOK_EVENTS.length)
      .optional()
      .describe('Which events to deliver; default `["message.received"]`.'),
  })
  .meta({ id: "CreateWebhook", examples: [{ url: "http://127.0.0.1:4000/hooks/mail" }] });

export const WebhookId = z
  .string()
  .regex(/^wh_[a-z0-9]{1,40}$/, "a webhook id")
  .describe("The webhook id, as returned when it was created.")
  .meta({ examples: ["wh_k3x9q2m7zab4c8"] });
export const DeliveryId = z
  .string()
  .regex(/^msg_[a-z0-9]{1,40}$/, "a delivery id")
  .describe("Also the `webhook-id` header of every attempt.")
  .meta({ examples: ["msg_2f8kq0c1x7m3n9p4r6s1"] });

export const WebhookParams = z.object({ run: RunId, id: WebhookId });
export const DeliveryParams = z.object({ run: RunId, id: WebhookId, delivery: DeliveryId });

export const WebhookView = z
  .object({
    id: WebhookId,
    url: z.string(),
    events: z.array(WebhookEventName),
    createdAt: Timestamp,
  })
  .meta({ id: "Webhook", examples: [HOOK] });

export const CreatedWebhook = WebhookView.extend({
  secret: z
    .string()
    .describe(
      "The signing secret, `whsec_` + base64 of 24 random bytes; shown only here. Verify deliveries with any Standard Webhooks library.",
    )
    .meta({ examples: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }),
}).meta({ id: "CreatedWebhook", examples: [{ ...HOOK, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }] });

export const WebhookList = z
  .object({ webhooks: z.array(WebhookView) })
  .meta({ id: "WebhookList", examples: [{ webhooks: [HOOK] }] });

export const DeliveryAttemptView = z
  .object({
    attempt: z.number().int(),
    at: Timestamp,
    responseStatus: z.number().int().nullable().describe("The HTTP status answered; null when none came."),
    durationMs: z.number().int(),
    error: z.string().nullable().describe("Why no answer came (timeout, refused ...)."),
  })
  .meta({ id: "DeliveryAttempt" });

export const DeliveryView = z
  .object({
    id: DeliveryId,
    event: WebhookEventName,
    attempt: z.number().int().describe("Attempts made so far."),
    status: z.enum(["pending", "succeeded", "failed"]),
    responseStatus: z
      .number()
      .int()
      .nullable()
      .describe("Of the latest attempt; null before one or without an answer."),
    durationMs: z.number().int().nullable().describe("Of the latest attempt."),
    at: Timestamp.nullable().describe("When the latest attempt was made."),
    nextAttemptAt: Timestamp.nullable().describe(
      "When the next attempt is due, while a failed one waits for its retry.",
    ),
    createdAt: Timestamp,
    attempts: z.array(DeliveryAttemptView).describe("Every attempt, oldest first."),
  })
  .meta({ id: "WebhookDelivery", examples: [DELIVERY] });

export const DeliveryList = z
  .object({
    deliveries: z.array(DeliveryView).describe("Oldest first; the newest 500 finished ones are kept."),
  })
  .meta({ id: "WebhookDeliveryList", examples: [{ deliveries: [DELIVERY] }] });
