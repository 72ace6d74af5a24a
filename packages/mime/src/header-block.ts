const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/**
 * Where a header block ends. `headerEnd` includes the blank line that closes it and is where the
 * body starts. A block without a blank line (header-only or truncated input) runs to `end` and
 * leaves an empty body, which is how RFC 5322 reads such data. Bare LF line ends are accepted so
 * that bytes which were never normalized still index; stored messages are CRLF.
 */
export function findHeaderEnd(buf: Buffer, start: number, end: number): number {
  const found = findBlankLineEnd(buf, start, end);
  return found === -1 ? end : found;
}

/** Offset just past the blank line that ends the header block in [start, end), or -1 when there is none. */
export function findBlankLineEnd(buf: Buffer, start: number, end: number): number {
  let pos = start;
  while (pos < end) {
    const c = buf[pos];
    if (c === LF) return pos + 1;
    if (c === CR && pos + 1 < end && buf[pos + 1] === LF) return pos + 2;
    const nl = buf.indexOf(LF, pos);
    if (nl === -1 || nl >= end) return -1;
    pos = nl + 1;
  }
  return -1;
}

/** One header field located in a buffer: [start, end) includes its folded lines and final line break. */
export interface FieldSpan {
  start: number;
  end: number;
  /** Offset of the first colon, or -1 for a line that is not a field (kept so nothing is lost). */
  colon: number;
}

/** Splits [start, end) (a header block, with or without its blank line) into fields, folds kept together. */
export function fieldSpans(buf: Buffer, start: number, end: number): FieldSpan[] {
  const spans: FieldSpan[] = [];
  let pos = start;
  while (pos < end) {
    const c = buf[pos];
    // The blank line ends the block.
    if (c === LF || (c === CR && buf[pos + 1] === LF)) break;
    const fieldStart = pos;
    let fieldEnd = end;
    for (;;) {
      const nl = buf.indexOf(LF, pos);
      if (nl === -1 || nl >= end) {
        pos = end;
        break;
      }
      pos = nl + 1;
      const next = buf[pos];
      if (pos >= end || (next !== SP && next !== HT)) {
        fieldEnd = pos;
        break;
      }
    }
    if (pos >= end) fieldEnd = end;
    // Bounded by the field: lines without a colon must not each scan the rest of the buffer.
    const at = buf.subarray(fieldStart, fieldEnd).indexOf(COLON);
    const colon = at === -1 ? -1 : fieldStart + at;
    spans.push({ start: fieldStart, end: fieldEnd, colon });
  }
  return spans;
}

/** Removes the line break at the end of a field and the line breaks of its folds (RFC 5322 §2.2.3). */
export function unfold(text: string): string {
  return text.replace(/\r?\n$/, "").replace(/\r?\n(?=[ \t])/g, "");
}

export interface HeaderField {
  /** The field name as written (case kept). */
  name: string;
  /** The value unfolded, leading and trailing white space removed, not decoded (encoded-words kept). */
  value: string;
  /** The field exactly as written, folds included, without its final line break. */
  rawLine: string;
  /** Byte offset of the field in the buffer given. */
  start: number;
  /** Byte offset just past the field's final line break: buf.subarray(start, end) is the whole field. */
  end: number;
}

/**
 * Parses a header block (a message's or a part's header, with or without the closing blank line)
 * into its fields, in order. Lines that are not fields (no colon) are left out. Bytes are read as
 * UTF-8 (RFC 6532 allows it in headers).
 */
export function parseHeaderBlock(buf: Buffer): HeaderField[] {
  const out: HeaderField[] = [];
  for (const span of fieldSpans(buf, 0, buf.length)) {
    if (span.colon === -1) continue;
    const name = buf.toString("utf8", span.start, span.colon).trim();
    if (name === "") continue;
    const rawLine = buf.toString("utf8", span.start, span.end).replace(/\r?\n$/, "");
    const value = unfold(buf.toString("utf8", span.colon + 1, span.end)).trim();
    out.push({ name, value, rawLine, start: span.start, end: span.end });
  }
  return out;
}
