/**
 * Header fields located in the stored bytes, for readers that work on offsets (IMAP ENVELOPE,
 * BODYSTRUCTURE, HEADER.FIELDS and SEARCH). Fields are split by fieldSpans, the same splitter
 * indexing and parseHeaderBlock use, so every reader agrees on where a field starts and ends.
 */
import { fieldSpans } from "./header-block.js";

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;

export interface LocatedField {
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
 * The fields of the header block [start, end), up to its blank line. Lines without a colon, and
 * "fields" whose name spans a line break (a broken continuation), are not fields and are left
 * out, as Dovecot does.
 */
export function locateFields(buf: Buffer, start: number, end: number): LocatedField[] {
  const fields: LocatedField[] = [];
  for (const span of fieldSpans(buf, start, end)) {
    if (span.colon === -1) continue;
    let nameEnd = span.colon;
    while (nameEnd > span.start && (buf[nameEnd - 1] === SP || buf[nameEnd - 1] === HT)) nameEnd--;
    if (nameEnd === span.start) continue;
    const nameBytes = buf.subarray(span.start, nameEnd);
    if (nameBytes.indexOf(LF) !== -1 || nameBytes.indexOf(CR) !== -1) continue;
    const name = nameBytes.toString("latin1");
    fields.push({
      name,
      key: name.toLowerCase(),
      start: span.start,
      end: span.end,
      valueStart: span.colon + 1,
    });
  }
  return fields;
}

/** The raw value bytes (after the colon, folding kept, final line break removed). */
function fieldValueBytes(buf: Buffer, field: LocatedField): Buffer {
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
export function fieldValue(buf: Buffer, field: LocatedField): string {
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
