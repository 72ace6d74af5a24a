import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { TaskInput, TaskName, TaskOutput } from "./tasks.js";

export interface WorkerPoolOptions {
  /** Threads at most; default: one less than the cores, at least one. */
  maxThreads?: number;
  /** A thread idle this long exits; the pool starts one again on demand. */
  idleTimeoutMs?: number;
}

/** Thrown when a task ran past its time limit; its thread was terminated. */
export class WorkTimeoutError extends Error {
  constructor(
    readonly task: string,
    readonly timeoutMs: number,
  ) {
    super(`${task} took longer than ${timeoutMs} ms and was stopped`);
    this.name = "WorkTimeoutError";
  }
}

export interface WorkerPool {
  run<N extends TaskName>(
    task: N,
    input: TaskInput<N>,
    options: {
      /** Counted from the call: time waiting for a free thread counts too. */
      timeoutMs: number;
    },
  ): Promise<TaskOutput<N>>;
  close(): Promise<void>;
}

/**
 * CPU-heavy work on untrusted input (HTML checks, ...) runs here so SMTP, IMAP and HTTP, which
 * share the main thread's event loop, keep answering. A task past its limit is aborted, which
 * terminates its thread: nothing a message does can keep a core busy for longer than the limit.
 */
export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  const piscina = new Piscina({
    filename: new URL("./worker-entry.mjs", import.meta.url).href,
    minThreads: 0,
    maxThreads: options.maxThreads ?? Math.max(1, availableParallelism() - 1),
    idleTimeout: options.idleTimeoutMs ?? 30_000,
  });
  return {
    async run(task, input, { timeoutMs }) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await piscina.run({ task, input }, { signal });
      } catch (err) {
        if (signal.aborted) throw new WorkTimeoutError(task, timeoutMs);
        throw err;
      }
    },
    close: () => piscina.close({ force: true }),
  };
}
