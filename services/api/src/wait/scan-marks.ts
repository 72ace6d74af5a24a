import type { Run } from "@sandmail/core";

const MAX_RUNS = 1000;
const MAX_PER_RUN = 100;

/** One criteria's mark in one run, as a wait uses it. */
export interface ScanMark {
  /** Every stored message with seq <= this is known not to match. */
  readonly from: number;
  raise(seq: number): void;
  /**
   * Runs `work` (a wait's first scan) after every earlier one with the same criteria has ended,
   * so waiters that arrive together scan the history once between them: the first raises the
   * mark as it goes, the next starts where it stopped.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Where earlier waits found nothing: per run and criteria, the seq up to which no stored message
 * matches. A message's content never changes, so for criteria that read only content (not read
 * state or folder) a later wait with the same criteria starts its scan there instead of
 * rescanning the whole history. Keyed by the run's token too, so a run made again under the same
 * id starts afresh. Bounded; a forgotten mark only costs a rescan.
 */
export class ScanMarks {
  readonly #runs = new Map<string, Map<string, number>>();
  // The tail of each (run, criteria)'s queue of first scans; dropped when it drains.
  readonly #queues = new Map<string, Promise<unknown>>();

  get(run: Run, key: string): number {
    return this.#runs.get(`${run.id}\n${run.token}`)?.get(key) ?? 0;
  }

  raise(run: Run, key: string, seq: number): void {
    const runKey = `${run.id}\n${run.token}`;
    let marks = this.#runs.get(runKey);
    if (!marks) {
      if (this.#runs.size >= MAX_RUNS) this.#runs.delete(this.#runs.keys().next().value as string);
      marks = new Map();
      this.#runs.set(runKey, marks);
    }
    if ((marks.get(key) ?? 0) >= seq) return;
    if (!marks.has(key) && marks.size >= MAX_PER_RUN) marks.delete(marks.keys().next().value as string);
    marks.set(key, seq);
  }

  async exclusive<T>(run: Run, key: string, work: () => Promise<T>): Promise<T> {
    const queueKey = `${run.id}\n${run.token}\n${key}`;
    const before = this.#queues.get(queueKey) ?? Promise.resolve();
    const mine = before.then(work, work);
    const tail = mine.catch(() => {});
    this.#queues.set(queueKey, tail);
    try {
      return await mine;
    } finally {
      if (this.#queues.get(queueKey) === tail) this.#queues.delete(queueKey);
    }
  }

  /** The mark of `key` in `run`, read when used (it rises while a wait queues). */
  mark(run: Run, key: string): ScanMark {
    const current = () => this.get(run, key);
    return {
      get from() {
        return current();
      },
      raise: (seq) => this.raise(run, key, seq),
      exclusive: (work) => this.exclusive(run, key, work),
    };
  }
}
