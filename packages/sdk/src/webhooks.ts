import { Webhook } from "standardwebhooks";
import { type RunContext, runPath } from "./context.js";
import type { CreatedWebhook, WebhookData, WebhookDelivery, WebhookEvent } from "./types.js";

/**
 * The run's webhooks: signed POSTs (Standard Webhooks) of its events to a URL of yours. Verify
 * what arrives with `verifyWebhook(secret, headers, body)`.
 */
export class RunWebhooks {
  readonly #ctx: RunContext;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  /** Starts delivering the run's events (default `message.received`) to `url`; the `secret` is only in this answer. */
  create(url: string, options: { events?: WebhookEvent[] } = {}): Promise<CreatedWebhook> {
    return this.#ctx.http.json<CreatedWebhook>({
      method: "POST",
      path: runPath(this.#ctx, "/webhooks"),
      token: this.#ctx.token,
      body: { url, ...(options.events ? { events: options.events } : {}) },
    });
  }

  /** The run's webhooks, oldest first, without secrets. */
  async list(): Promise<WebhookData[]> {
    const res = await this.#ctx.http.json<{ webhooks: WebhookData[] }>({
      method: "GET",
      path: runPath(this.#ctx, "/webhooks"),
      token: this.#ctx.token,
    });
    return res.webhooks;
  }

  /** Removes a webhook and its delivery log. Rejects with NotFoundError (`webhook_not_found`). */
  async delete(id: string): Promise<void> {
    await this.#ctx.http.empty({ method: "DELETE", path: this.#path(id), token: this.#ctx.token });
  }

  /** The webhook's delivery log, oldest first, each with its attempts. */
  async deliveries(id: string): Promise<WebhookDelivery[]> {
    const res = await this.#ctx.http.json<{ deliveries: WebhookDelivery[] }>({
      method: "GET",
      path: `${this.#path(id)}/deliveries`,
      token: this.#ctx.token,
    });
    return res.deliveries;
  }

  /** Sends a finished delivery again (a new round of attempts). */
  retry(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return this.#ctx.http.json<WebhookDelivery>({
      method: "POST",
      path: `${this.#path(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`,
      token: this.#ctx.token,
    });
  }

  #path(id: string): string {
    return runPath(this.#ctx, `/webhooks/${encodeURIComponent(id)}`);
  }
}

/** What a delivery's body holds. */
export interface WebhookPayload {
  type: WebhookEvent;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * Checks a delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp` within five
 * minutes, `webhook-signature`) against the webhook's secret, with the `standardwebhooks`
 * library, and returns the parsed body. Throws when the signature does not match. Pass the body
 * exactly as received (a string or bytes, not re-serialized JSON).
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined> | Headers,
  body: string | Uint8Array,
): WebhookPayload {
  const flat: Record<string, string> = {};
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, key) => {
      flat[key] = value;
    });
  } else {
    for (const [key, value] of Object.entries(headers)) {
      if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
  }
  return new Webhook(secret).verify(body, flat) as WebhookPayload;
}
