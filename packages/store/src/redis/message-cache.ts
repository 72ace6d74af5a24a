import type { AuthSummary, Envelope, MessageSummary, MimeNode } from "@sandmail/core";

/** What never changes about a stored message: everything but its mailbox, UID, flags and modseq. */
export interface FixedParts {
  seq: number;
  /** Not fixed: the mailbox the message was last read in, the likely one next time (a hint). */
  lastMailboxId?: string;
  summary: MessageSummary;
  mime: MimeNode;
  auth?: AuthSummary;
  envelope?: Envelope;
  internalDate: Date;
  size: number;
  raw?: Buffer;
}

interface Entry {
  runId: string;
  parts: FixedParts;
  /** What the entry is charged against the byte budget. */
  bytes: number;
}

/**
 * A per-process cache of messages' fixed parts, so a read sends only what can change, and the
 * same message always comes back with the same `mime` and `summary` objects (caches keyed by
 * those objects, as IMAP's ENVELOPE and SEARCH caches are, then hit). Bounded by bytes, oldest
 * dropped first.
 *
 * Message ids are unique within one incarnation of a run, never reused; but a run deleted (or
 * expired) and created again with the same id starts its ids again. So every read tells the
 * run's incarnation (creation time and token), and an entry from another incarnation is never
 * served: the run's entries are dropped instead.
 */
export class MessageCache {
  readonly #entries = new Map<string, Entry>();
  readonly #incarnations = new Map<string, string>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The incarnation the cached entries of a run belong to, if any are cached. */
  incarnation(runId: string): string | undefined {
    return this.#incarnations.get(runId);
  }

  /** Records what a read saw; entries of an older incarnation are dropped. */
  seen(runId: string, incarnation: string): void {
    const known = this.#incarnations.get(runId);
    if (known === incarnation) return;
    if (known !== undefined) this.dropRun(runId);
    this.#incarnations.set(runId, incarnation);
  }

  get(runId: string, messageId: string): FixedParts | undefined {
    const key = keyOf(runId, messageId);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    // Refresh its place: the oldest-used entries go first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.parts;
  }

  put(runId: string, messageId: string, parts: FixedParts, metaBytes: number): FixedParts {
    if (this.#maxBytes <= 0) return parts;
    const key = keyOf(runId, messageId);
    this.#remove(key);
    const bytes = metaBytes + (parts.raw?.length ?? 0) + 200;
    if (bytes > this.#maxBytes / 4) return parts;
    this.#entries.set(key, { runId, parts, bytes });
    this.#bytes += bytes;
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest);
    }
    return parts;
  }

  /** Keeps the raw bytes with an entry already cached. */
  putRaw(runId: string, messageId: string, raw: Buffer): void {
    const entry = this.#entries.get(keyOf(runId, messageId));
    if (!entry || entry.parts.raw || raw.length > this.#maxBytes / 4) return;
    entry.parts.raw = raw;
    entry.bytes += raw.length;
    this.#bytes += raw.length;
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest);
    }
  }

  drop(runId: string, messageId: string): void {
    this.#remove(keyOf(runId, messageId));
  }

  dropRun(runId: string): void {
    this.#incarnations.delete(runId);
    for (const [key, entry] of this.#entries) if (entry.runId === runId) this.#remove(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#incarnations.clear();
    this.#bytes = 0;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}

function keyOf(runId: string, messageId: string): string {
  return `${runId}\0${messageId}`;
}
