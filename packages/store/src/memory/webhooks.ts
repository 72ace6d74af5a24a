import { SandmailError } from "@sandmail/core";
import {
  checkCreateWebhook,
  checkNewDeliveries,
  freshDelivery,
  isDeliveryId,
  isWebhookId,
  newWebhookId,
} from "../shared/webhook-inputs.js";
import {
  type AddDeliveriesResult,
  type AttemptOutcome,
  type CreateWebhookInput,
  DELIVERIES_KEPT,
  MAX_WEBHOOKS_PER_RUN,
  type NewDelivery,
  type RecordAttemptResult,
  type Webhook,
  type WebhookDelivery,
  type WebhookStore,
} from "../webhook-contract.js";
import type { RunRegistry } from "./runs.js";
import type { RunState } from "./state.js";

/** One webhook of a MemoryStore run: its definition, delivery log (oldest first) and pending queue. */
export interface WebhookRecord {
  hook: Webhook;
  deliveries: Map<string, WebhookDelivery>;
  /** Ids of pending deliveries in order; the head is the one being attempted. */
  queue: string[];
}

const copyHook = (h: Webhook): Webhook => ({ ...h, events: [...h.events], createdAt: new Date(h.createdAt) });
const copyDelivery = (d: WebhookDelivery): WebhookDelivery => structuredClone(d);

/** The WebhookStore of a MemoryStore: everything lives in the run's state and goes with it. */
export class MemoryWebhooks implements WebhookStore {
  constructor(
    private readonly runs: RunRegistry,
    private readonly now: () => number,
  ) {}

  async create(runId: string, input: CreateWebhookInput): Promise<Webhook> {
    const checked = checkCreateWebhook(input);
    const state = this.runs.get(runId);
    if (state.webhooks.size >= MAX_WEBHOOKS_PER_RUN)
      throw new SandmailError("quota_exceeded", `a run has at most ${MAX_WEBHOOKS_PER_RUN} webhooks`);
    const hook: Webhook = {
      id: newWebhookId(),
      ...checked,
      createdAt: new Date(this.now()),
      cursor: state.seq,
    };
    state.webhooks.set(hook.id, { hook, deliveries: new Map(), queue: [] });
    return copyHook(hook);
  }

  async list(runId: string): Promise<Webhook[]> {
    return [...this.runs.get(runId).webhooks.values()].map((w) => copyHook(w.hook));
  }

  async get(runId: string, webhookId: string): Promise<Webhook | undefined> {
    const rec = this.runs.get(runId).webhooks.get(webhookId);
    return rec ? copyHook(rec.hook) : undefined;
  }

  async delete(runId: string, webhookId: string): Promise<boolean> {
    return this.runs.get(runId).webhooks.delete(webhookId);
  }

  async addDeliveries(
    runId: string,
    webhookId: string,
    throughSeq: number,
    deliveries: NewDelivery[],
  ): Promise<AddDeliveriesResult> {
    checkNewDeliveries(deliveries);
    const rec = this.#hook(this.runs.get(runId), webhookId);
    const wasIdle = rec.queue.length === 0;
    const added: WebhookDelivery[] = [];
    for (const d of deliveries) {
      if (d.eventSeq <= rec.hook.cursor) continue;
      const delivery = freshDelivery(webhookId, d, this.now());
      rec.deliveries.set(delivery.id, delivery);
      rec.queue.push(delivery.id);
      rec.hook.cursor = d.eventSeq;
      added.push(copyDelivery(delivery));
    }
    rec.hook.cursor = Math.max(rec.hook.cursor, throughSeq);
    trim(rec);
    return { added, start: wasIdle ? added[0] : undefined };
  }

  async getDelivery(runId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    const found = this.#find(this.runs.get(runId), deliveryId);
    return found ? copyDelivery(found.delivery) : undefined;
  }

  async listDeliveries(runId: string, webhookId: string): Promise<WebhookDelivery[]> {
    const rec = this.#hook(this.runs.get(runId), webhookId);
    return [...rec.deliveries.values()].map(copyDelivery);
  }

  async recordAttempt(
    runId: string,
    deliveryId: string,
    outcome: AttemptOutcome,
  ): Promise<RecordAttemptResult> {
    const found = this.#find(this.runs.get(runId), deliveryId);
    if (!found) return { delivery: undefined, next: undefined };
    const { rec, delivery } = found;
    if (delivery.attempt < outcome.attempt) {
      delivery.attempt = outcome.attempt;
      delivery.status = outcome.status;
      delivery.nextAttemptAt = outcome.nextAttemptAt ? new Date(outcome.nextAttemptAt) : null;
      const { attempt, at, responseStatus, durationMs, error } = outcome;
      delivery.attempts.push({ attempt, at: new Date(at), responseStatus, durationMs, error });
      if (outcome.status !== "pending") rec.queue = rec.queue.filter((id) => id !== deliveryId);
    }
    return { delivery: copyDelivery(delivery), next: this.#nextAfter(rec, delivery) };
  }

  async retry(
    runId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDelivery | undefined; start: WebhookDelivery | undefined }> {
    const found = this.#find(this.runs.get(runId), deliveryId);
    if (!found) return { delivery: undefined, start: undefined };
    const { rec, delivery } = found;
    if (delivery.status === "pending") return { delivery: copyDelivery(delivery), start: undefined };
    const wasIdle = rec.queue.length === 0;
    delivery.status = "pending";
    delivery.roundStart = delivery.attempt;
    delivery.nextAttemptAt = null;
    rec.queue.push(delivery.id);
    const copy = copyDelivery(delivery);
    return { delivery: copy, start: wasIdle ? copy : undefined };
  }

  async runsWithWebhooks(): Promise<string[]> {
    return this.runs.liveIds().filter((id) => (this.runs.live(id)?.webhooks.size ?? 0) > 0);
  }

  #hook(state: RunState, webhookId: string): WebhookRecord {
    const rec = isWebhookId(webhookId) ? state.webhooks.get(webhookId) : undefined;
    if (!rec) throw new SandmailError("webhook_not_found", `webhook ${String(webhookId)} not found`);
    return rec;
  }

  #find(state: RunState, deliveryId: string) {
    if (!isDeliveryId(deliveryId)) return undefined;
    for (const rec of state.webhooks.values()) {
      const delivery = rec.deliveries.get(deliveryId);
      if (delivery) return { rec, delivery };
    }
    return undefined;
  }

  /** The head of the queue once `delivery` has left it. */
  #nextAfter(rec: WebhookRecord, delivery: WebhookDelivery): WebhookDelivery | undefined {
    if (delivery.status === "pending") return undefined;
    const head = rec.queue[0];
    const next = head === undefined ? undefined : rec.deliveries.get(head);
    return next ? copyDelivery(next) : undefined;
  }
}

/** Drops the oldest finished deliveries past DELIVERIES_KEPT; pending ones stay. */
function trim(rec: WebhookRecord): void {
  let excess = rec.deliveries.size - DELIVERIES_KEPT;
  if (excess <= 0) return;
  for (const [id, d] of rec.deliveries) {
    if (excess <= 0) break;
    if (d.status === "pending") continue;
    rec.deliveries.delete(id);
    excess--;
  }
}
