/**
 * The one MIME decoding stack: transfer encodings, charsets and RFC 2047 encoded-words, done by
 * the libraries mailparser itself uses (libqp, libbase64, libmime's charset module over
 * iconv-lite). The API reads messages through mailparser and IMAP SEARCH through these
 * functions, so both see the same text for the same bytes.
 */

import { StringDecoder } from "node:string_decoder";
import libbase64 from "libbase64";
import libmime from "libmime";
import { decode as decodeWithCharset } from "libmime/lib/charset.js";
import libqp from "libqp";

/** Decodes RFC 2047 encoded-words; text that is not valid encoded-words is returned as is. */
export function decodeWords(text: string): string {
  if (!text.includes("=?")) return text;
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

/** Bodies are transfer-decoded in pieces of about this many bytes. */
const PIECE = 1 << 16;
const LF = 0x0a;

/**
 * Where a quoted-printable body can be cut so that decoding the pieces gives what decoding the
 * whole does: after a line break, or else where no escape (`=XX`), soft line break or trailing
 * whitespace (which libqp drops at the end of its input) is split.
 */
function qpCut(body: Buffer, start: number): number {
  const target = start + PIECE;
  if (target >= body.length) return body.length;
  const nl = body.lastIndexOf(LF, target - 1);
  if (nl >= start + PIECE / 2) return nl + 1;
  let cut = target;
  const unsafe = (c: number) => body[c - 1] === 0x3d || body[c - 2] === 0x3d || body[c - 1]! <= 0x20;
  while (cut > start + 3 && unsafe(cut)) cut--;
  return cut > start + 3 ? cut : target;
}

/** Where a base64 body can be cut: after a multiple of four base64 characters. */
function base64Cut(body: Buffer, start: number): number {
  if (start + PIECE >= body.length) return body.length;
  let count = 0;
  let i = start;
  for (; i < body.length; i++) {
    const c = body[i]!;
    const significant =
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2b ||
      c === 0x2f ||
      c === 0x3d;
    if (significant && count % 4 === 0 && i - start >= PIECE) break;
    if (significant) count++;
  }
  return i;
}

/**
 * A Content-Transfer-Encoding undone piece by piece (decoded bytes in order), so a caller can
 * pause between pieces of a large body; identity and unknown encodings give the bytes as they are.
 */
export function* decodeTransferPieces(body: Buffer, encoding: string): Generator<Buffer> {
  const kind = encoding.toLowerCase();
  if (kind !== "base64" && kind !== "quoted-printable") {
    yield body;
    return;
  }
  for (let start = 0; start < body.length; ) {
    const end = kind === "base64" ? base64Cut(body, start) : qpCut(body, start);
    const piece = body.subarray(start, end);
    yield kind === "base64" ? libbase64.decode(piece.toString("latin1")) : libqp.decode(piece);
    start = end;
  }
}

const UTF8_LABELS = new Set(["utf-8", "utf8", "us-ascii", "ascii"]);

/**
 * Bytes in a charset to text, as mailparser decodes a body: no charset, US-ASCII and UTF-8 read
 * as UTF-8; an unknown or refused charset (UTF-7 among them) falls back to UTF-8.
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  if (charset === undefined || UTF8_LABELS.has(charset.toLowerCase())) return bytes.toString("utf8");
  return decodeWithCharset(bytes, charset);
}

/**
 * A text body's characters piece by piece, for callers that pause between pieces: the text is
 * what decodeCharset gives for the whole transfer-decoded body. UTF-8 (and US-ASCII, and no
 * charset) is decoded as it goes; other charsets once the body is complete, and `null` then marks
 * each transfer-decoded piece, a point where the caller may pause.
 */
export function* decodeTextPieces(
  body: Buffer,
  encoding: string,
  charset: string | undefined,
): Generator<string | null> {
  if (charset === undefined || UTF8_LABELS.has(charset.toLowerCase())) {
    const utf8 = new StringDecoder("utf8");
    for (const piece of decodeTransferPieces(body, encoding)) yield utf8.write(piece);
    yield utf8.end();
    return;
  }
  const decoded: Buffer[] = [];
  for (const piece of decodeTransferPieces(body, encoding)) {
    decoded.push(piece);
    yield null;
  }
  yield decodeCharset(decoded.length === 1 ? decoded[0]! : Buffer.concat(decoded), charset);
}
