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
      /** Buffers handed over instead of copied (see bytesForWorker); unusable here afterwards. */
      transferList?: ArrayBuffer[];
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
    async run(task, input, { timeoutMs, transferList }) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await piscina.run({ task, input }, { signal, ...(transferList ? { transferList } : {}) });
      } catch (err) {
        if (signal.aborted) throw new WorkTimeoutError(task, timeoutMs);
        throw err;
      }
    },
    close: () => piscina.close({ force: true }),
  };
}

/**
 * Message bytes for a task: one exact-size copy of `parts`, its memory handed to the worker rather
 * than copied again. Never transfer a stored message's own buffer: it may be a view into a slab
 * shared with other messages, which a transfer would detach.
 */
export function bytesForWorker(...parts: Uint8Array[]): { bytes: Uint8Array; transferList: ArrayBuffer[] } {
  const size = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return { bytes, transferList: [bytes.buffer] };
}
