/** One attempt of one delivery: what a queue job carries. */
export interface AttemptJob {
  runId: string;
  deliveryId: string;
  attempt: number;
}

export type AttemptHandler = (job: AttemptJob) => Promise<void>;

/**
 * Where due attempts wait. Scheduling the same attempt twice schedules it once, so a process
 * that repeats a step after a crash cannot double an attempt; the handler runs each job once
 * (again only if the process running it died half-way).
 */
export interface AttemptQueue {
  schedule(job: AttemptJob, delayMs: number): Promise<void>;
  /** Starts handing due jobs to the handler. */
  start(handler: AttemptHandler): Promise<void>;
  close(): Promise<void>;
}

export const attemptKey = (job: AttemptJob): string => `${job.runId}.${job.deliveryId}.${job.attempt}`;

/** The in-process queue used with the memory store: timers, gone with the process like the mail. */
export class MemoryAttemptQueue implements AttemptQueue {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #scheduled = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #handler: AttemptHandler | undefined;
  #closed = false;

  async schedule(job: AttemptJob, delayMs: number): Promise<void> {
    const key = attemptKey(job);
    if (this.#closed || this.#scheduled.has(key)) return;
    this.#scheduled.add(key);
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        const handler = this.#handler;
        if (!handler) return;
        const run = handler(job)
          .catch(() => {})
          .finally(() => {
            this.#running.delete(run);
            // Handlers are idempotent, so forgetting a finished key only bounds memory.
            this.#scheduled.delete(key);
          });
        this.#running.add(run);
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.#timers.set(key, timer);
  }

  async start(handler: AttemptHandler): Promise<void> {
    this.#handler = handler;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
  }
}
