/**
 * Gathers the per-message questions asked about one run in the same tick (a FETCH batch asks for
 * 256 messages at once) into one call, instead of one round trip or command each.
 */
export class TickBatch<T> {
  readonly #pending = new Map<string, Array<{ id: string; resolve(v: T): void; reject(e: unknown): void }>>();
  readonly #run: (runId: string, ids: string[]) => Promise<T[]>;

  constructor(run: (runId: string, ids: string[]) => Promise<T[]>) {
    this.#run = run;
  }

  ask(runId: string, id: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let list = this.#pending.get(runId);
      if (!list) {
        list = [];
        this.#pending.set(runId, list);
        queueMicrotask(() => this.#flush(runId));
      }
      list.push({ id, resolve, reject });
    });
  }

  #flush(runId: string): void {
    const list = this.#pending.get(runId) ?? [];
    this.#pending.delete(runId);
    this.#run(
      runId,
      list.map((q) => q.id),
    ).then(
      (answers) => {
        for (const [i, q] of list.entries()) q.resolve(answers[i] as T);
      },
      (err: unknown) => {
        for (const q of list) q.reject(err);
      },
    );
  }
}
