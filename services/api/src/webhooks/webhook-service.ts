import { randomBytes } from "node:crypto";
import { parseUrlPolicy, type UrlPolicy } from "@sandmail/checks";
import { type Config, SandmailError } from "@sandmail/core";
import type { MailStore, Webhook, WebhookEvent } from "@sandmail/store";
import type { ParsedMessages } from "../views/parsed-messages.js";
import { type AttemptQueue, MemoryAttemptQueue } from "./attempt-queue.js";
import { parseRetrySchedule } from "./retry-schedule.js";
import { WebhookDispatcher } from "./webhook-dispatcher.js";
import { refuseTarget, WebhookSender } from "./webhook-sender.js";

export type WebhookConfig = Pick<
  Config,
  "REDIS_URL" | "SANDMAIL_WEBHOOK_ALLOW" | "SANDMAIL_WEBHOOK_RETRY_SCHEDULE" | "SANDMAIL_WEBHOOK_TIMEOUT_MS"
>;

/** What the routes need of webhooks: creating one (target checked, secret made) and the dispatcher. */
export class WebhookService {
  readonly dispatcher: WebhookDispatcher;
  readonly #policy: UrlPolicy;

  private constructor(
    private readonly store: MailStore,
    policy: UrlPolicy,
    dispatcher: WebhookDispatcher,
  ) {
    this.#policy = policy;
    this.dispatcher = dispatcher;
  }

  /**
   * Starts delivering: attempts wait in BullMQ when REDIS_URL is set (shared by every process,
   * kept across restarts), in this process otherwise.
   */
  static async start(
    config: WebhookConfig,
    store: MailStore,
    parsed: ParsedMessages,
    onError?: (err: unknown) => void,
  ): Promise<WebhookService> {
    const policy = parseUrlPolicy(config.SANDMAIL_WEBHOOK_ALLOW, "SANDMAIL_WEBHOOK_ALLOW");
    // BullMQ (and ioredis under it) loads only with Redis: a fifth of an in-memory server's start-up.
    const queue: AttemptQueue = config.REDIS_URL
      ? new (await import("./bullmq-queue.js")).BullAttemptQueue(config.REDIS_URL)
      : new MemoryAttemptQueue();
    const dispatcher = new WebhookDispatcher({
      store,
      parsed,
      queue,
      sender: new WebhookSender(policy, config.SANDMAIL_WEBHOOK_TIMEOUT_MS),
      schedule: parseRetrySchedule(config.SANDMAIL_WEBHOOK_RETRY_SCHEDULE),
      ...(onError ? { onError } : {}),
    });
    try {
      await dispatcher.start();
    } catch (err) {
      await dispatcher.close();
      throw err;
    }
    return new WebhookService(store, policy, dispatcher);
  }

  async create(runId: string, url: string, events: WebhookEvent[]): Promise<Webhook> {
    const refused = refuseTarget(this.#policy, new URL(url));
    if (refused) throw new SandmailError("webhook_target_refused", `webhook target refused: ${refused}`);
    const secret = `whsec_${randomBytes(24).toString("base64")}`;
    const hook = await this.store.webhooks.create(runId, { url, events, secret });
    await this.dispatcher.watch(runId);
    return hook;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
