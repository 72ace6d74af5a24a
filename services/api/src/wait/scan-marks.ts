import type { Run } from "@sandmail/core";

const MAX_RUNS = 1000;
const MAX_PER_RUN = 100;

/**
 * Where earlier waits found nothing: per run and criteria, the seq up to which no stored message
 * matches. A message's content never changes, so for criteria that read only content (not read
 * state or folder) a later wait with the same criteria starts its scan there instead of
 * rescanning the whole history. Keyed by the run's token too, so a run made again under the same
 * id starts afresh. Bounded; a forgotten mark only costs a rescan.
 */
export class ScanMarks {
  readonly #runs = new Map<string, Map<string, number>>();

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
}
