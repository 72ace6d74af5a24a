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
  type DeliveryAttempt,
  type DeliveryStatus,
  MAX_WEBHOOKS_PER_RUN,
  type NewDelivery,
  type RecordAttemptResult,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookStore,
} from "../webhook-contract.js";
import type { RedisConnection } from "./connection.js";
import type { ScriptName } from "./scripts.js";

type Script = (name: ScriptName, runId: string, args: Array<string | number>) => Promise<unknown>;

/**
 * The WebhookStore of a RedisStore: one Lua script per change (layout in lua/webhooks.ts), plus
 * one store-wide set naming the runs that have webhooks, so every process finds them after a
 * restart. That set is outside the run's slot, so it is written after the run's script and
 * cleaned when read.
 */
export class RedisWebhooks implements WebhookStore {
  readonly #runsKey: string;

  constructor(
    private readonly script: Script,
    private readonly redis: () => RedisConnection,
    private readonly exec: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly runKey: (runId: string) => string,
    keyPrefix: string,
  ) {
    this.#runsKey = `${keyPrefix}webhook-runs`;
  }

  async create(runId: string, input: CreateWebhookInput): Promise<Webhook> {
    const { url, events, secret } = checkCreateWebhook(input);
    const id = newWebhookId();
    const createdAt = Date.now();
    const cursor = await this.script("smWhCreate", runId, [
      id,
      url,
      events.join(","),
      secret,
      createdAt,
      MAX_WEBHOOKS_PER_RUN,
    ]);
    await this.exec(() => this.redis().sadd(this.#runsKey, runId));
    return { id, url, events, secret, createdAt: new Date(createdAt), cursor: Number(cursor) };
  }

  async list(runId: string): Promise<Webhook[]> {
    const rows = (await this.script("smWhList", runId, [])) as string[][];
    return rows.map(([id, url, events, secret, created, cursor]) => ({
      id: String(id),
      url: String(url),
      events: String(events).split(",") as WebhookEvent[],
      secret: String(secret),
      createdAt: new Date(Number(created)),
      cursor: Number(cursor),
    }));
  }

  async get(runId: string, webhookId: string): Promise<Webhook | undefined> {
    if (!isWebhookId(webhookId)) return undefined;
    return (await this.list(runId)).find((w) => w.id === webhookId);
  }

  async delete(runId: string, webhookId: string): Promise<boolean> {
    if (!isWebhookId(webhookId)) {
      await this.script("smWhList", runId, []);
      return false;
    }
    return Number(await this.script("smWhDelete", runId, [webhookId])) === 1;
  }

  async addDeliveries(
    runId: string,
    webhookId: string,
    throughSeq: number,
    deliveries: NewDelivery[],
  ): Promise<AddDeliveriesResult> {
    checkNewDeliveries(deliveries);
    if (!isWebhookId(webhookId))
      throw new SandmailError("webhook_not_found", `webhook ${String(webhookId)} not found`);
    const now = Date.now();
    const args: Array<string | number> = [webhookId, Math.floor(throughSeq), now, DELIVERIES_KEPT];
    for (const d of deliveries) args.push(d.id, d.event, d.eventSeq, d.body);
    const [idle, ...ids] = (await this.script("smWhAdd", runId, args)) as [number, ...string[]];
    const byId = new Map(deliveries.map((d) => [d.id, d]));
    const added = ids.map((id) => freshDelivery(webhookId, byId.get(String(id)) as NewDelivery, now));
    return { added, start: Number(idle) === 1 ? added[0] : undefined };
  }

  async getDelivery(runId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    if (!isDeliveryId(deliveryId)) {
      await this.script("smWhList", runId, []);
      return undefined;
    }
    const [row] = (await this.script("smWhDeliveries", runId, [deliveryId])) as unknown[];
    return row ? decodeDelivery(row as unknown[]) : undefined;
  }

  async listDeliveries(runId: string, webhookId: string): Promise<WebhookDelivery[]> {
    if (!isWebhookId(webhookId))
      throw new SandmailError("webhook_not_found", `webhook ${String(webhookId)} not found`);
    const rows = (await this.script("smWhDeliveries", runId, ["", webhookId])) as unknown[];
    return rows.filter(Boolean).map((row) => decodeDelivery(row as unknown[]));
  }

  async recordAttempt(
    runId: string,
    deliveryId: string,
    outcome: AttemptOutcome,
  ): Promise<RecordAttemptResult> {
    if (!isDeliveryId(deliveryId)) return { delivery: undefined, next: undefined };
    const { attempt, at, responseStatus, durationMs, error } = outcome;
    const row: AttemptJson = [attempt, at.getTime(), responseStatus, durationMs, error];
    const next = await this.script("smWhRecord", runId, [
      deliveryId,
      attempt,
      outcome.status,
      outcome.nextAttemptAt ? outcome.nextAttemptAt.getTime() : "",
      JSON.stringify(row),
    ]);
    if (next === null || next === undefined) return { delivery: undefined, next: undefined };
    const ids = next ? [deliveryId, String(next)] : [deliveryId];
    const rows = (await this.script("smWhDeliveries", runId, ids)) as unknown[];
    const [delivery, following] = rows.map((r) => (r ? decodeDelivery(r as unknown[]) : undefined));
    return { delivery, next: following };
  }

  async retry(
    runId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDelivery | undefined; start: WebhookDelivery | undefined }> {
    if (!isDeliveryId(deliveryId)) return { delivery: await this.getDelivery(runId, ""), start: undefined };
    const outcome = Number(await this.script("smWhRetry", runId, [deliveryId]));
    if (outcome < 0) return { delivery: undefined, start: undefined };
    const delivery = await this.getDelivery(runId, deliveryId);
    return { delivery, start: outcome === 2 ? delivery : undefined };
  }

  async runsWithWebhooks(): Promise<string[]> {
    const redis = this.redis();
    const runIds = await this.exec(() => redis.smembers(this.#runsKey));
    const counts = await this.exec(() =>
      Promise.all(runIds.map((runId) => redis.zcard(`${this.runKey(runId)}whs`))),
    );
    const gone = runIds.filter((_, i) => counts[i] === 0);
    if (gone.length > 0) await this.exec(() => redis.srem(this.#runsKey, ...gone));
    return runIds.filter((_, i) => (counts[i] ?? 0) > 0);
  }
}

type AttemptJson = [
  attempt: number,
  at: number,
  status: number | null,
  durationMs: number,
  error: string | null,
];

function decodeDelivery(row: unknown[]): WebhookDelivery {
  const [id, webhookId, event, eseq, body, created, status, attempt, round, next, attempts] = row as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string[],
  ];
  return {
    id: String(id),
    webhookId: String(webhookId),
    event: String(event) as WebhookEvent,
    eventSeq: Number(eseq),
    body: String(body),
    createdAt: new Date(Number(created)),
    status: String(status) as DeliveryStatus,
    attempt: Number(attempt),
    roundStart: Number(round),
    attempts: (attempts ?? []).map((json): DeliveryAttempt => {
      const [n, at, responseStatus, durationMs, error] = JSON.parse(String(json)) as AttemptJson;
      return { attempt: n, at: new Date(at), responseStatus, durationMs, error };
    }),
    nextAttemptAt: next ? new Date(Number(next)) : null,
  };
}
