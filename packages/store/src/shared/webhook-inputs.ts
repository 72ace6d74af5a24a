import { newRunId, SandmailError } from "@sandmail/core";
import {
  type CreateWebhookInput,
  type NewDelivery,
  WEBHOOK_EVENTS,
  type WebhookDelivery,
} from "../webhook-contract.js";

const WEBHOOK_ID = /^wh_[a-z0-9]{1,40}$/;
const DELIVERY_ID = /^msg_[a-z0-9]{1,40}$/;

export const newWebhookId = (): string => `wh_${newRunId(14)}`;
/** Also the Standard Webhooks message id, so it takes that spec's `msg_` prefix. */
export const newDeliveryId = (): string => `msg_${newRunId(20)}`;

export const isWebhookId = (id: unknown): id is string => typeof id === "string" && WEBHOOK_ID.test(id);
export const isDeliveryId = (id: unknown): id is string => typeof id === "string" && DELIVERY_ID.test(id);

export function checkCreateWebhook(input: CreateWebhookInput): CreateWebhookInput {
  if (!input || typeof input.url !== "string" || input.url.length > 2048)
    throw new SandmailError("invalid_request", "webhook url missing or too long");
  if (typeof input.secret !== "string" || input.secret.length === 0)
    throw new SandmailError("invalid_request", "webhook secret missing");
  const events = [...new Set(input.events)];
  if (events.length === 0 || events.some((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e)))
    throw new SandmailError("invalid_request", `webhook events are some of ${WEBHOOK_EVENTS.join(", ")}`);
  return { url: input.url, secret: input.secret, events };
}

export function checkNewDeliveries(deliveries: NewDelivery[]): NewDelivery[] {
  if (!Array.isArray(deliveries)) throw new SandmailError("invalid_request", "deliveries must be a list");
  for (const d of deliveries) {
    if (!isDeliveryId(d.id) || typeof d.body !== "string" || !Number.isSafeInteger(d.eventSeq))
      throw new SandmailError("invalid_request", "malformed delivery");
  }
  return deliveries;
}

/** A delivery as the store keeps it, before its first attempt. */
export function freshDelivery(webhookId: string, d: NewDelivery, now: number): WebhookDelivery {
  return {
    id: d.id,
    webhookId,
    event: d.event,
    eventSeq: d.eventSeq,
    body: d.body,
    createdAt: new Date(now),
    status: "pending",
    attempt: 0,
    roundStart: 0,
    attempts: [],
    nextAttemptAt: null,
  };
}
