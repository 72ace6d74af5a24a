/**
 * Splits POP3 input into lines (CRLF, or a bare LF as some clients send). A line longer than the
 * limit is never buffered whole: its bytes are dropped up to the next line end and it is reported
 * once as too long, so a client cannot grow memory by never sending a line end.
 */
export type LineEvent = { type: "line"; text: string } | { type: "too-long" };

export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf < 0) {
        this.keep(chunk.subarray(start), events);
        return events;
      }
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (this.pendingBytes + piece.length > this.maxLineBytes) {
        this.reset();
        events.push({ type: "too-long" });
        continue;
      }
      const line = this.pendingBytes ? Buffer.concat([...this.pending, piece]) : piece;
      this.reset();
      const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
      // Latin-1 keeps every byte as one character; credentials are decoded as UTF-8 where used.
      events.push({ type: "line", text: line.toString("latin1", 0, end) });
    }
  }

  private keep(rest: Buffer, events: LineEvent[]): void {
    if (rest.length === 0 || this.discarding) return;
    if (this.pendingBytes + rest.length > this.maxLineBytes) {
      this.reset();
      this.discarding = true;
      events.push({ type: "too-long" });
      return;
    }
    // Copied: the socket's chunk may be a view of a pooled buffer.
    this.pending.push(Buffer.from(rest));
    this.pendingBytes += rest.length;
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
