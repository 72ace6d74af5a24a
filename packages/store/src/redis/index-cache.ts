import type { UidColumns } from "../shared/uid-columns.js";

interface Entry {
  runId: string;
  /** The state of the mailbox this index is of, as MAILBOX_INDEX (lua/reads.ts) names it. */
  version: string;
  index: UidColumns;
}

/**
 * The last index read of each mailbox, per process, with the version Redis gave it. A reader
 * sends the version it holds and Redis answers "unchanged" (a few bytes) or the whole index, so
 * an IMAP SELECT of a mailbox nobody changed since costs a memcpy here instead of reading and
 * decoding every message's line. Redis decides every time, so a change made by any process is
 * never missed and nothing needs invalidating; entries are dropped only to bound memory (by
 * messages held, oldest used first) and with their run.
 */
export class IndexCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxRows: number;
  #rows = 0;

  constructor(maxRows: number) {
    this.#maxRows = maxRows;
  }

  version(runId: string, mailboxId: string): string {
    return this.#entries.get(keyOf(runId, mailboxId))?.version ?? "";
  }

  /** A copy of the index held at `version` (the reader owns it), if still held. */
  get(runId: string, mailboxId: string, version: string): UidColumns | undefined {
    const key = keyOf(runId, mailboxId);
    const entry = this.#entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.index.clone();
  }

  /** Keeps a copy of `index` as the mailbox's state at `version` ('' : not to be kept). */
  put(runId: string, mailboxId: string, version: string, index: UidColumns): void {
    const key = keyOf(runId, mailboxId);
    this.#remove(key);
    if (version === "" || this.#maxRows <= 0 || index.length > this.#maxRows / 2) return;
    this.#entries.set(key, { runId, version, index: index.clone() });
    this.#rows += index.length;
    for (const [oldest] of this.#entries) {
      if (this.#rows <= this.#maxRows) break;
      this.#remove(oldest);
    }
  }

  dropRun(runId: string): void {
    for (const [key, entry] of this.#entries) if (entry.runId === runId) this.#remove(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#rows = 0;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#rows -= entry.index.length;
  }
}

function keyOf(runId: string, mailboxId: string): string {
  return `${runId}\0${mailboxId}`;
}
