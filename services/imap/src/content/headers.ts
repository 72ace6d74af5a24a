/**
 * Header fields located in the stored bytes. Everything IMAP derives from headers (ENVELOPE,
 * BODYSTRUCTURE, HEADER.FIELDS, SEARCH) reads them through here, so they agree on what a field is.
 */

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

export interface HeaderField {
  /** Field name as written, trailing whitespace removed. */
  name: string;
  /** Lowercased name, for lookups. */
  key: string;
  /** Byte offsets of the whole field in the buffer: name, folded lines and the final line break. */
  start: number;
  end: number;
  /** Offset just after the colon. */
  valueStart: number;
}

/**
 * Splits the header block [start, end) into fields. Stops at the blank line. Lines without a
 * colon are not fields and are skipped (as Dovecot does); folded lines stay with their field.
 */
export function parseHeaderFields(buf: Buffer, start: number, end: number): HeaderField[] {
  const fields: HeaderField[] = [];
  let pos = start;
  while (pos < end) {
    const c = buf[pos];
    if (c === LF || (c === CR && pos + 1 < end && buf[pos + 1] === LF)) break;
    const fieldStart = pos;
    let fieldEnd = end;
    for (;;) {
      const nl = buf.indexOf(LF, pos);
      if (nl === -1 || nl >= end - 1) {
        pos = end;
        fieldEnd = end;
        break;
      }
      pos = nl + 1;
      const next = buf[pos];
      if (next !== SP && next !== HT) {
        fieldEnd = pos;
        break;
      }
    }
    // Bounded by the field: lines without a colon must not each scan the rest of the message.
    const at = buf.subarray(fieldStart, fieldEnd).indexOf(COLON);
    if (at === -1) continue;
    const colon = fieldStart + at;
    let nameEnd = colon;
    while (nameEnd > fieldStart && (buf[nameEnd - 1] === SP || buf[nameEnd - 1] === HT)) nameEnd--;
    if (nameEnd === fieldStart) continue;
    // A "field" whose name spans a line break is a broken continuation, not a field.
    if (buf.subarray(fieldStart, nameEnd).indexOf(LF) !== -1 || hasCr(buf, fieldStart, nameEnd)) continue;
    const name = buf.toString("latin1", fieldStart, nameEnd);
    fields.push({ name, key: name.toLowerCase(), start: fieldStart, end: fieldEnd, valueStart: colon + 1 });
  }
  return fields;
}

function hasCr(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === CR) return true;
  return false;
}

/** The raw value bytes (after the colon, folding kept, final line break removed). */
export function fieldValueBytes(buf: Buffer, field: HeaderField): Buffer {
  let end = field.end;
  if (end > field.valueStart && buf[end - 1] === LF) end--;
  if (end > field.valueStart && buf[end - 1] === CR) end--;
  return buf.subarray(field.valueStart, end);
}

/**
 * The value as one line: each fold (line break and the whitespace after it) becomes one space,
 * leading whitespace is dropped. This is the form ENVELOPE (as Dovecot sends it) and the
 * address parser use.
 */
export function fieldValue(buf: Buffer, field: HeaderField): string {
  const bytes = fieldValueBytes(buf, field);
  let start = 0;
  while (start < bytes.length && (bytes[start] === SP || bytes[start] === HT)) start++;
  // Most fields are one line: no folds to undo.
  if (bytes.indexOf(LF, start) === -1) return bytes.toString("utf8", start);
  return bytes
    .toString("utf8", start)
    .replace(/\r?\n[ \t]*/g, " ")
    .replace(/^[ \t]+/, "");
}

/** First field with the given lowercased name, or undefined. */
export function firstField(fields: HeaderField[], key: string): HeaderField | undefined {
  for (const f of fields) if (f.key === key) return f;
  return undefined;
}
