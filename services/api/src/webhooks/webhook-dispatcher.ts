import type { Run, StoreEvent } from "@sandmail/core";
import { isSandmailError } from "@sandmail/core";
import { type MailStore, newDeliveryId, type Webhook, type WebhookDelivery } from "@sandmail/store";
import type { ParsedMessages } from "../views/parsed-messages.js";
import type { AttemptJob, AttemptQueue } from "./attempt-queue.js";
import { retryDelay } from "./retry-schedule.js";
import { webhookBody, webhookEventOf } from "./webhook-body.js";
import type { WebhookSender } from "./webhook-sender.js";

export interface DispatcherOptions {
  store: MailStore;
  parsed: ParsedMessages;
  queue: AttemptQueue;
  sender: WebhookSender;
  /** Waits between attempts of a round, in ms (before jitter). */
  schedule: readonly number[];
  /** How often runs with webhooks made by other processes are looked for, and every watched run re-read. */
  refreshMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Turns a run's store events into webhook deliveries and makes their attempts.
 *
 * Every process serving the API runs one. It watches each run that has a webhook (found in the
 * store, so runs given webhooks by another process, or before a restart, are watched too): on
 * each event it reads the run's events past the webhook's cursor and stores them as deliveries;
 * the store's cursor makes each event one delivery however many processes offer it. A webhook's
 * pending deliveries form a queue in the store and only its head is attempted, so deliveries
 * arrive in the order of the run's events. The attempt queue (in-process, or BullMQ on Redis)
 * holds what is due; an attempt is recorded in the store before the next one is scheduled.
 */
export class WebhookDispatcher {
  readonly #watched = new Map<string, () => void>();
  readonly #pumps = new Map<string, { running: Promise<void>; again: boolean }>();
  readonly #refresh: NodeJS.Timeout;
  #refreshing: Promise<void> | undefined;
  #closed = false;

  constructor(private readonly options: DispatcherOptions) {
    this.#refresh = setInterval(() => void this.refresh(), options.refreshMs ?? 1000);
    this.#refresh.unref();
  }

  async start(): Promise<void> {
    await this.options.queue.start((job) => this.#attempt(job));
    await this.refresh();
  }

  /** Watches a run (called when this process gives it a webhook) and offers it its events. */
  async watch(runId: string): Promise<void> {
    if (this.#closed) return;
    if (!this.#watched.has(runId)) {
      const unsubscribe = await this.options.store.subscribe(runId, (event) => this.#onEvent(event));
      if (this.#watched.has(runId) || this.#closed) unsubscribe();
      else this.#watched.set(runId, unsubscribe);
    }
    await this.pump(runId);
  }

  /** Starts a delivery's next attempt now (after a manual retry). */
  async startDelivery(runId: string, delivery: WebhookDelivery): Promise<void> {
    await this.options.queue.schedule({ runId, deliveryId: delivery.id, attempt: delivery.attempt + 1 }, 0);
  }

  /** Finds runs with webhooks (another process may have made them) and offers each its events. */
  refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const runs = await this.options.store.webhooks.runsWithWebhooks();
        const live = new Set(runs);
        for (const [runId, unsubscribe] of this.#watched) {
          if (!live.has(runId)) {
            unsubscribe();
            this.#watched.delete(runId);
          }
        }
        await Promise.all(runs.map((runId) => this.watch(runId).catch((err) => this.#error(err))));
      } catch (err) {
        this.#error(err);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  #onEvent(event: StoreEvent): void {
    if (event.type === "run.deleted") {
      this.#watched.get(event.runId)?.();
      this.#watched.delete(event.runId);
      return;
    }
    if (webhookEventOf(event)) void this.pump(event.runId);
  }

  /** Turns the run's new events into deliveries; one pass per run at a time, repeated if asked meanwhile. */
  pump(runId: string): Promise<void> {
    const current = this.#pumps.get(runId);
    if (current) {
      current.again = true;
      return current.running;
    }
    const entry = { running: Promise.resolve(), again: false };
    entry.running = (async () => {
      try {
        do {
          entry.again = false;
          await this.#pumpOnce(runId);
        } while (entry.again && !this.#closed);
      } catch (err) {
        if (!isSandmailError(err, "run_not_found")) this.#error(err);
      } finally {
        this.#pumps.delete(runId);
      }
    })();
    this.#pumps.set(runId, entry);
    return entry.running;
  }

  async #pumpOnce(runId: string): Promise<void> {
    const { store, parsed } = this.options;
    const hooks = await store.webhooks.list(runId);
    if (hooks.length === 0) return;
    const run = await store.getRun(runId);
    if (!run) return;
    const from = Math.min(...hooks.map((h) => h.cursor));
    const events = await store.eventsSince(runId, from);
    const through = events.at(-1)?.seq;
    if (through === undefined) return;
    const bodies = new Map<string, Promise<string>>();
    for (const hook of hooks) {
      const deliveries = [];
      for (const event of events) {
        const type = webhookEventOf(event);
        if (event.seq <= hook.cursor || !type || !hook.events.includes(type)) continue;
        // One body per event, shared by every webhook that asked for it.
        let body = bodies.get(`${event.seq}`);
        if (!body) {
          body = webhookBody(store, parsed, run, event, type);
          bodies.set(`${event.seq}`, body);
        }
        deliveries.push({ id: newDeliveryId(), event: type, eventSeq: event.seq, body: await body });
      }
      await this.#add(run, hook, through, deliveries);
    }
  }

  async #add(
    run: Run,
    hook: Webhook,
    through: number,
    deliveries: Parameters<MailStore["webhooks"]["addDeliveries"]>[3],
  ) {
    try {
      const { start } = await this.options.store.webhooks.addDeliveries(run.id, hook.id, through, deliveries);
      if (start) await this.options.queue.schedule({ runId: run.id, deliveryId: start.id, attempt: 1 }, 0);
    } catch (err) {
      // Deleted meanwhile: nothing to deliver.
      if (!isSandmailError(err, "webhook_not_found")) throw err;
    }
  }

  /** One attempt; skipped (but its follow-up still scheduled) when the store already has it. */
  async #attempt(job: AttemptJob): Promise<void> {
    const { store, sender, queue, schedule } = this.options;
    let delivery: WebhookDelivery | undefined;
    try {
      delivery = await store.webhooks.getDelivery(job.runId, job.deliveryId);
    } catch (err) {
      if (isSandmailError(err, "run_not_found")) return;
      throw err;
    }
    if (!delivery) return;
    let result: Awaited<ReturnType<typeof store.webhooks.recordAttempt>>;
    if (delivery.attempt >= job.attempt || delivery.status !== "pending") {
      // A repeated job (a worker died after recording): re-derive what follows.
      result = { delivery, next: undefined };
      if (delivery.status !== "pending") {
        result = await store.webhooks.recordAttempt(job.runId, delivery.id, {
          attempt: delivery.attempt,
          at: new Date(),
          responseStatus: null,
          durationMs: 0,
          error: null,
          status: delivery.status,
          nextAttemptAt: null,
        });
      }
    } else {
      const hook = await store.webhooks.get(job.runId, delivery.webhookId);
      if (!hook) return;
      const at = new Date();
      const sent = await sender.send(hook.url, hook.secret, delivery.id, delivery.body);
      const wait = sent.ok ? undefined : retryDelay(schedule, job.attempt - delivery.roundStart);
      result = await store.webhooks.recordAttempt(job.runId, delivery.id, {
        attempt: job.attempt,
        at,
        responseStatus: sent.responseStatus,
        durationMs: sent.durationMs,
        error: sent.error,
        status: sent.ok ? "succeeded" : wait === undefined ? "failed" : "pending",
        nextAttemptAt: wait === undefined ? null : new Date(at.getTime() + sent.durationMs + wait),
      });
    }
    const now = result.delivery;
    if (now?.status === "pending" && now.nextAttemptAt) {
      const delay = now.nextAttemptAt.getTime() - Date.now();
      await queue.schedule({ runId: job.runId, deliveryId: now.id, attempt: now.attempt + 1 }, delay);
    }
    if (result.next) {
      await queue.schedule(
        { runId: job.runId, deliveryId: result.next.id, attempt: result.next.attempt + 1 },
        result.next.nextAttemptAt ? result.next.nextAttemptAt.getTime() - Date.now() : 0,
      );
    }
  }

  #error(err: unknown): void {
    this.options.onError?.(err);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#refresh);
    for (const unsubscribe of this.#watched.values()) unsubscribe();
    this.#watched.clear();
    await Promise.allSettled([...this.#pumps.values()].map((p) => p.running));
    await this.options.queue.close();
    await this.options.sender.close();
  }
}
