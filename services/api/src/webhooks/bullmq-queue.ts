import { openQueueConnection, type RedisConnection } from "@sandmail/store";
import { Queue, Worker } from "bullmq";
import { type AttemptHandler, type AttemptJob, type AttemptQueue, attemptKey } from "./attempt-queue.js";

const QUEUE_NAME = "webhook-attempts";
/** One hash tag for every BullMQ key, so a Redis Cluster keeps the queue in one slot (BullMQ's scripts need that). */
const PREFIX = "{sandmail-webhooks}";

/**
 * Attempts as BullMQ jobs in Redis, shared by every process on the same REDIS_URL: a job waits
 * (delayed) in Redis, so a restart loses none, and BullMQ's lock hands each one to one worker.
 * The job id is the attempt (run, delivery, number): adding it again while it is kept is a no-op.
 * A job whose handler throws (the store unreachable) is retried by BullMQ a few times; the
 * handler records an attempt before it schedules the next, and skips attempts already recorded.
 */
export class BullAttemptQueue implements AttemptQueue {
  readonly #connection: RedisConnection;
  readonly #queue: Queue;
  #worker: Worker | undefined;
  #workerConnection: RedisConnection | undefined;

  constructor(
    private readonly url: string,
    private readonly concurrency = 16,
  ) {
    this.#connection = openQueueConnection(url);
    this.#queue = new Queue(QUEUE_NAME, { connection: this.#connection, prefix: PREFIX });
    this.#queue.on("error", () => {});
  }

  async schedule(job: AttemptJob, delayMs: number): Promise<void> {
    await this.#queue.add("attempt", job, {
      jobId: attemptKey(job),
      delay: Math.max(0, Math.round(delayMs)),
      attempts: 8,
      backoff: { type: "exponential", delay: 500 },
      // Kept a while so a repeated add of the same attempt stays a no-op; bounded all the same.
      removeOnComplete: { age: 24 * 3600, count: 50_000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    });
  }

  async start(handler: AttemptHandler): Promise<void> {
    // The worker blocks on its own connection; BullMQ needs maxRetriesPerRequest null there too.
    this.#workerConnection = openQueueConnection(this.url);
    this.#worker = new Worker<AttemptJob>(QUEUE_NAME, async (job) => handler(job.data), {
      connection: this.#workerConnection,
      prefix: PREFIX,
      concurrency: this.concurrency,
      // BullMQ renews the lock while a job runs; a process that died holding one is noticed
      // within about lockDuration + stalledInterval, and its job handed to another worker.
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    this.#worker.on("error", () => {});
    await this.#worker.waitUntilReady();
  }

  /**
   * Lets running attempts finish, but not forever: with Redis unreachable BullMQ's close waits
   * for a reconnection that may never come, which would hang the process's shutdown. Past the
   * grace period the connections are dropped; a job cut short is run again later (its attempt
   * is recorded before the next one is scheduled, so nothing is sent twice by this).
   */
  async close(graceMs = 2000): Promise<void> {
    const graceful = (async () => {
      await this.#worker?.close();
      await this.#queue.close();
    })().catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([graceful, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.#workerConnection?.disconnect();
    this.#connection.disconnect();
  }
}
