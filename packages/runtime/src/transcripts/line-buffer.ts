import type { TranscriptLine } from "@sandmail/core";

/** Characters kept of one line; the rest is counted, not kept. */
export const MAX_LINE_CHARS = 2000;
/** What a line costs beyond its text (time, direction, object), in budget bytes. */
const LINE_OVERHEAD = 32;

export function lineCost(text: string): number {
  return text.length + LINE_OVERHEAD;
}

export function clip(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  return `${text.slice(0, MAX_LINE_CHARS)}… [${text.length - MAX_LINE_CHARS} more characters]`;
}

/**
 * The lines of one session within a byte budget. The first half of the budget keeps the start
 * of the session (greeting, capabilities, login), the second half its latest lines; what falls
 * between is counted as omitted. So a session of any length costs a bounded amount of memory and
 * still shows how it began and how it ended.
 */
export class LineBuffer {
  readonly head: TranscriptLine[] = [];
  #tail: TranscriptLine[] = [];
  #tailStart = 0;
  #headBytes = 0;
  #tailBytes = 0;
  omitted = 0;

  constructor(private readonly budget: number) {}

  get bytes(): number {
    return this.#headBytes + this.#tailBytes;
  }

  get last(): TranscriptLine | undefined {
    return this.#tail.length > this.#tailStart
      ? this.#tail[this.#tail.length - 1]
      : this.head[this.head.length - 1];
  }

  push(line: TranscriptLine): void {
    const cost = lineCost(line.text);
    if (this.#tail.length === 0 && this.#headBytes + cost <= this.budget / 2) {
      this.head.push(line);
      this.#headBytes += cost;
      return;
    }
    this.#tail.push(line);
    this.#tailBytes += cost;
    while (this.#tailBytes > this.budget / 2 && this.#tail.length - this.#tailStart > 1) {
      this.#tailBytes -= lineCost(this.#tail[this.#tailStart]!.text);
      this.#tailStart++;
      this.omitted++;
    }
    // Dropped lines are cut off in bulk: shifting one at a time would copy the array each time.
    if (this.#tailStart > 256 && this.#tailStart * 2 > this.#tail.length) {
      this.#tail = this.#tail.slice(this.#tailStart);
      this.#tailStart = 0;
    }
  }

  lines(): TranscriptLine[] {
    return this.#tailStart === 0
      ? [...this.head, ...this.#tail]
      : [...this.head, ...this.#tail.slice(this.#tailStart)];
  }
}
