/** The kinds of event a webhook can ask for. */
export const WEBHOOK_EVENTS = [
  "message.received",
  "message.flags",
  "message.moved",
  "message.expunged",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Webhooks one run may have. */
export const MAX_WEBHOOKS_PER_RUN = 20;
/** Finished deliveries kept per webhook (the oldest finished ones go first; pending ones stay). */
export const DELIVERIES_KEPT = 500;

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  /** `whsec_` + base64 of the signing key. */
  secret: string;
  createdAt: Date;
  /** Seq of the latest run event already turned into deliveries (or skipped) for this webhook. */
  cursor: number;
}

export interface CreateWebhookInput {
  url: string;
  events: WebhookEvent[];
  secret: string;
}

export type DeliveryStatus = "pending" | "succeeded" | "failed";

export interface DeliveryAttempt {
  attempt: number;
  at: Date;
  /** The HTTP status answered; null when no answer came. */
  responseStatus: number | null;
  durationMs: number;
  /** Why the attempt failed when no answer came (timeout, refused ...). */
  error: string | null;
}

export interface WebhookDelivery {
  /** Also the Standard Webhooks `webhook-id`: the same on every attempt. */
  id: string;
  webhookId: string;
  event: WebhookEvent;
  /** Seq of the run event it announces. */
  eventSeq: number;
  /** The JSON body, fixed when the delivery was made, so every attempt sends the same bytes. */
  body: string;
  createdAt: Date;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempt: number;
  /** Attempt count when the current round began (a manual retry starts a new round of the schedule). */
  roundStart: number;
  attempts: DeliveryAttempt[];
  /** When the next attempt is due, while pending after a failed attempt. */
  nextAttemptAt: Date | null;
}

export interface NewDelivery {
  id: string;
  event: WebhookEvent;
  eventSeq: number;
  body: string;
}

export interface AddDeliveriesResult {
  /** The deliveries stored by this call (those past the webhook's cursor). */
  added: WebhookDelivery[];
  /** The delivery to attempt now: set when this call made the webhook's idle queue busy. */
  start: WebhookDelivery | undefined;
}

export interface AttemptOutcome {
  attempt: number;
  at: Date;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

export interface RecordAttemptResult {
  /** The delivery as stored after the call (unchanged when the attempt was already recorded). */
  delivery: WebhookDelivery | undefined;
  /** The webhook's next delivery to attempt, when this one is finished and another is waiting. */
  next: WebhookDelivery | undefined;
}

/**
 * Webhook definitions and their delivery log, per run, removed with the run. Each webhook has a
 * queue of pending deliveries: only its head is attempted, so deliveries arrive in the order of
 * the run's events. Every method is atomic (one Lua script on Redis), so several processes may
 * call them for the same events: the cursor makes each event a delivery once.
 */
export interface WebhookStore {
  /** Fails with `quota_exceeded` past MAX_WEBHOOKS_PER_RUN. The cursor starts at the run's current seq. */
  create(runId: string, input: CreateWebhookInput): Promise<Webhook>;
  list(runId: string): Promise<Webhook[]>;
  get(runId: string, webhookId: string): Promise<Webhook | undefined>;
  /** Removes the webhook and its deliveries; false when it did not exist. */
  delete(runId: string, webhookId: string): Promise<boolean>;
  /**
   * Stores the deliveries whose eventSeq is past the webhook's cursor, in the order given, and
   * moves the cursor to `throughSeq` (never back). Fails with `webhook_not_found` for an unknown webhook.
   */
  addDeliveries(
    runId: string,
    webhookId: string,
    throughSeq: number,
    deliveries: NewDelivery[],
  ): Promise<AddDeliveriesResult>;
  getDelivery(runId: string, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /** Oldest first. */
  listDeliveries(runId: string, webhookId: string): Promise<WebhookDelivery[]>;
  /**
   * Records attempt `outcome.attempt` unless the delivery already has it (a repeated call
   * changes nothing and reports the same `next`). A finished delivery leaves the queue.
   */
  recordAttempt(runId: string, deliveryId: string, outcome: AttemptOutcome): Promise<RecordAttemptResult>;
  /**
   * Puts a finished delivery back at the end of its webhook's queue for a new round of attempts.
   * A pending one is left as it is. `start` is set when the queue was idle.
   */
  retry(
    runId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDelivery | undefined; start: WebhookDelivery | undefined }>;
  /** Ids of the live runs that have at least one webhook. */
  runsWithWebhooks(): Promise<string[]>;
}
