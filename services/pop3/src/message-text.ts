/**
 * A message as POP3 sends it (RFC 1939 §3): CRLF line endings, every line that begins with "."
 * stuffed with one more, and the ".\r\n" terminator. TOP sends the header, the blank line and the
 * first n lines of the body.
 */

/** The multi-line response body for `raw`, terminator included. */
export function dotStuffed(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < raw.length) {
    const lf = raw.indexOf(0x0a, start);
    const end = lf < 0 ? raw.length : lf;
    const lineEnd = end > start && raw[end - 1] === 0x0d ? end - 1 : end;
    if (raw[start] === 0x2e) parts.push(DOT);
    parts.push(raw.subarray(start, lineEnd), CRLF);
    start = end + 1;
  }
  parts.push(TERMINATOR);
  return Buffer.concat(parts);
}

/** The header, the blank line and the first `lines` lines of the body. */
export function topOf(raw: Buffer, lines: number): Buffer {
  let pos = 0;
  // Through the header: up to and including the first empty line.
  for (;;) {
    const lf = raw.indexOf(0x0a, pos);
    if (lf < 0) return raw;
    const empty = lf === pos || (lf === pos + 1 && raw[pos] === 0x0d);
    pos = lf + 1;
    if (empty) break;
  }
  for (let n = 0; n < lines && pos < raw.length; n++) {
    const lf = raw.indexOf(0x0a, pos);
    pos = lf < 0 ? raw.length : lf + 1;
  }
  return raw.subarray(0, pos);
}

const DOT = Buffer.from(".");
const CRLF = Buffer.from("\r\n");
const TERMINATOR = Buffer.from(".\r\n");
