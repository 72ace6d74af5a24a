import type { TranscriptLine } from "@sandmail/core";

/** Characters kept of one line; the rest is counted, not kept. */
export const MAX_LINE_CHARS = 2000;
/** What a line costs beyond its text (time, direction, slot), in budget bytes. */
const LINE_OVERHEAD = 32;

/** What a line concerning another run is shown as in a run's copy of a shared session. */
export const OTHER_RUN_LINE = "[concerns another run]";

export function lineCost(text: string): number {
  return text.length + LINE_OVERHEAD;
}

export function clip(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  return `${text.slice(0, MAX_LINE_CHARS)}… [${text.length - MAX_LINE_CHARS} more characters]`;
}

/**
 * A numbered reply (SMTP) as the server hands it to its writer: the code, the enhanced status
 * code it goes out with ('' for none) and the text, one string or one per line. Kept as it is and
 * formatted into lines only when the transcript is read: most sessions are never read, and an
 * EHLO reply is one entry instead of ten line strings.
 */
export class CodedReply {
  constructor(
    readonly code: number,
    readonly enhanced: string,
    readonly data: string | readonly unknown[] | null | undefined,
  ) {}

  /** The lines exactly as smtp-server's `send` writes them (without CRLF and trailing blanks). */
  lines(): string[] {
    const { code, data } = this;
    const prefix = this.enhanced ? ` ${this.enhanced} ` : " ";
    if (!Array.isArray(data)) return [clip(`${code}${prefix}${data ?? ""}`.trimEnd())];
    const out: string[] = [];
    const last = data.length - 1;
    for (let i = 0; i <= last; i++) {
      const sep = i < last ? `-${prefix.slice(1)}` : prefix;
      out.push(clip(`${code}${sep}${data[i] ?? ""}`.trimEnd()));
    }
    return out;
  }

  get count(): number {
    return Array.isArray(this.data) ? this.data.length : 1;
  }

  /** Budget bytes: as lineCost of each line, without formatting them. */
  get cost(): number {
    // `250 ` or `250 2.1.0 `: reply codes have three digits.
    const prefix = 4 + (this.enhanced ? this.enhanced.length + 1 : 0);
    const data = this.data;
    if (!Array.isArray(data)) return textCost(data) + prefix + LINE_OVERHEAD;
    let cost = 0;
    for (const line of data) cost += textCost(line) + prefix + LINE_OVERHEAD;
    return cost;
  }
}

function textCost(text: unknown): number {
  const n = typeof text === "string" ? text.length : text == null ? 0 : String(text).length;
  return Math.min(n, MAX_LINE_CHARS + 32);
}

/** A line (or reply) that concerns one run alone: other runs see OTHER_RUN_LINE in its place. */
class Scoped {
  constructor(
    readonly runId: string,
    readonly entry: string | CodedReply,
  ) {}
}

type Entry = string | CodedReply | Scoped;

function costOf(entry: Entry): number {
  const e = entry instanceof Scoped ? entry.entry : entry;
  return typeof e === "string" ? lineCost(e) : e.cost;
}

function countOf(entry: Entry): number {
  const e = entry instanceof Scoped ? entry.entry : entry;
  return typeof e === "string" ? 1 : e.count;
}

/**
 * The lines of one session within a byte budget. The first half of the budget keeps the start
 * of the session (greeting, capabilities, login), the second half its latest lines; what falls
 * between is counted as omitted. So a session of any length costs a bounded amount of memory and
 * still shows how it began and how it ended.
 *
 * Recording is on every session's path and reading is rare, so a line is kept as it came: one
 * flat array of pairs (time and direction as one number, then the text or the CodedReply), no
 * object per line; lines are built when `lines()` is called. The number is the time since
 * `origin` in ms, doubled, plus 1 for the server: a small integer, stored unboxed.
 */
export class LineBuffer {
  readonly #slots: Array<number | Entry> = [];
  /** Slots of the head (the session's start); the tail follows. */
  #headEnd = 0;
  /** First kept slot of the tail; slots between #headEnd and it are dropped, not yet compacted. */
  #tailStart = 0;
  #headBytes = 0;
  #tailBytes = 0;
  /** Lines left out from the middle. */
  omitted = 0;

  constructor(
    private readonly budget: number,
    private readonly origin: number,
  ) {}

  get bytes(): number {
    return this.#headBytes + this.#tailBytes;
  }

  /** Whether the newest entry is a client line (what `scopeLast` would scope). */
  get lastFromClient(): boolean {
    const n = this.#slots.length;
    return n > 0 && (this.#slots[n - 2] as number) % 2 === 0;
  }

  push(from: TranscriptLine["from"], entry: string | CodedReply, at: number, scope?: string): void {
    const cost = typeof entry === "string" ? lineCost(entry) : entry.cost;
    const slots = this.#slots;
    slots.push(
      (at - this.origin) * 2 + (from === "server" ? 1 : 0),
      scope === undefined ? entry : new Scoped(scope, entry),
    );
    // Into the head while nothing went to the tail yet and it has room.
    if (slots.length === this.#headEnd + 2 && this.#headBytes + cost <= this.budget / 2) {
      this.#headEnd += 2;
      this.#tailStart = this.#headEnd;
      this.#headBytes += cost;
      return;
    }
    this.#tailBytes += cost;
    while (this.#tailBytes > this.budget / 2 && slots.length - this.#tailStart > 2) {
      const dropped = slots[this.#tailStart + 1] as Entry;
      this.#tailBytes -= costOf(dropped);
      this.omitted += countOf(dropped);
      this.#tailStart += 2;
    }
    // Dropped slots are cut out in bulk: one at a time would copy the array each time.
    const gap = this.#tailStart - this.#headEnd;
    if (gap > 512 && gap * 2 > slots.length - this.#headEnd) {
      slots.copyWithin(this.#headEnd, this.#tailStart);
      slots.length -= gap;
      this.#tailStart = this.#headEnd;
    }
  }

  /** Marks the newest entry as concerning `runId` alone. */
  scopeLast(runId: string): void {
    const i = this.#slots.length - 1;
    const entry = this.#slots[i] as Entry;
    this.#slots[i] = new Scoped(runId, entry instanceof Scoped ? entry.entry : entry);
  }

  /**
   * The kept lines, oldest first. With `forRun`, what that run sees: lines scoped to another run
   * as OTHER_RUN_LINE.
   */
  lines(forRun?: string): TranscriptLine[] {
    const out: TranscriptLine[] = [];
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i += 2) {
      if (i === this.#headEnd) i = this.#tailStart;
      if (i >= slots.length) break;
      const meta = slots[i] as number;
      const at = this.origin + Math.floor(meta / 2);
      const from = meta % 2 === 0 ? "client" : "server";
      let entry = slots[i + 1] as Entry;
      let hidden = false;
      if (entry instanceof Scoped) {
        hidden = forRun !== undefined && entry.runId !== forRun;
        entry = entry.entry;
      }
      if (typeof entry === "string") out.push({ at, from, text: hidden ? OTHER_RUN_LINE : entry });
      else for (const text of entry.lines()) out.push({ at, from, text: hidden ? OTHER_RUN_LINE : text });
    }
    return out;
  }
}
