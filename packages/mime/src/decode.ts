/**
 * The one MIME decoding stack: transfer encodings, charsets and RFC 2047 encoded-words, done by
 * the libraries mailparser itself uses (libqp, libbase64, libmime's charset module over
 * iconv-lite). The API reads messages through mailparser and IMAP SEARCH through these
 * functions, so both see the same text for the same bytes.
 */

import { createRequire } from "node:module";
import { StringDecoder } from "node:string_decoder";
import { loadOnce } from "@sandmail/core";

// Loaded on first use: libmime's charset tables (iconv-lite, encoding-japanese) are most of what a
// server would otherwise load and build before it listens, and plain UTF-8 mail never needs them.
const require = createRequire(import.meta.url);
const libmime = loadOnce(() => (require("libmime") as typeof import("libmime")).default);
const charsets = loadOnce(() => require("libmime/lib/charset.js") as typeof import("libmime/lib/charset.js"));
const libqp = loadOnce(() => (require("libqp") as typeof import("libqp")).default);
const libbase64 = loadOnce(() => (require("libbase64") as typeof import("libbase64")).default);

/** Decodes RFC 2047 encoded-words; text that is not valid encoded-words is returned as is. */
export function decodeWords(text: string): string {
  if (!text.includes("=?")) return text;
  try {
    return libmime().decodeWords(text);
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
 * `strict` (IMAP BINARY, which answers NO [PARSE] as Dovecot does) throws MalformedEncodingError
 * at the first piece with bytes the encoding does not allow, instead of skipping them.
 */
export function* decodeTransferPieces(body: Buffer, encoding: string, strict = false): Generator<Buffer> {
  const kind = encoding.toLowerCase();
  if (kind !== "base64" && kind !== "quoted-printable") {
    yield body;
    return;
  }
  for (let start = 0; start < body.length; ) {
    const end = kind === "base64" ? base64Cut(body, start) : qpCut(body, start);
    const piece = body.subarray(start, end);
    if (strict && !wellEncoded(piece, kind)) throw new MalformedEncodingError(`malformed ${kind} body`);
    yield kind === "base64" ? libbase64().decode(piece.toString("latin1")) : libqp().decode(piece);
    start = end;
  }
}

/** Transfer encodings that are the bytes as they are (RFC 2045 §6.2). */
const IDENTITY = new Set(["7bit", "8bit", "binary"]);
const BASE64_INVALID = /[^A-Za-z0-9+/=\s]|=[^=\s]/;
// An `=` that starts neither an escape (two hex digits) nor a soft line break (optional
// trailing whitespace, then the line break or the end of the body).
const QP_INVALID = /=(?![0-9A-Fa-f]{2}|[ \t]*(?:\r?\n|$))/;

/**
 * How IMAP BINARY (RFC 3516) may undo a body's transfer encoding: `identity` and the two
 * decodings decodeTransferPieces does; any other encoding is `unknown` (NO [UNKNOWN-CTE]).
 */
export function transferKind(encoding: string): "identity" | "decode" | "unknown" {
  const kind = encoding.toLowerCase();
  if (IDENTITY.has(kind)) return "identity";
  return kind === "base64" || kind === "quoted-printable" ? "decode" : "unknown";
}

/** A body whose bytes break its transfer encoding (strict decoding only). */
export class MalformedEncodingError extends Error {}

/**
 * Whether a piece of an encoded body is well formed: base64 with only its alphabet, whitespace
 * and final padding; quoted-printable without a stray `=`. The decoders skip such bytes silently.
 */
function wellEncoded(piece: Buffer, kind: string): boolean {
  const text = piece.toString("latin1");
  return kind === "base64" ? !BASE64_INVALID.test(text) : !QP_INVALID.test(text);
}

const UTF8_LABELS = new Set(["utf-8", "utf8", "us-ascii", "ascii"]);

/**
 * Bytes in a charset to text, as mailparser decodes a body: no charset, US-ASCII and UTF-8 read
 * as UTF-8; an unknown or refused charset (UTF-7 among them) falls back to UTF-8.
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  if (charset === undefined || UTF8_LABELS.has(charset.toLowerCase())) return bytes.toString("utf8");
  return charsets().decode(bytes, charset);
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
