import { TextDecoder } from "node:util";

/**
 * Decoding for SEARCH: what a person would call the text of a header or part. Encoded-words,
 * quoted-printable, base64 and charsets are undone; unknown charsets fall back to UTF-8 with
 * replacement characters rather than failing the search.
 */

const decoders = new Map<string, TextDecoder>();

function decoderFor(charset: string): TextDecoder {
  const key = charset.toLowerCase();
  let d = decoders.get(key);
  if (!d) {
    try {
      d = new TextDecoder(key === "us-ascii" || key === "ascii" ? "utf-8" : key);
    } catch {
      d = decoders.get("utf-8") ?? new TextDecoder("utf-8");
    }
    decoders.set(key, d);
  }
  return d;
}

/** windows-1252 at 0x80..0x9F (undefined positions stay as the C1 control). */
const CP1252_HIGH =
  "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f" +
  "\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178";

/**
 * Node 20 decodes windows-1252 (and the Latin-1 labels that WHATWG maps onto it) as plain
 * Latin-1, so 0x80..0x9F would come out as control characters instead of €, “, ” and friends.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...chunk);
  }
  return out.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/** Bytes in a charset to a string; US-ASCII and unknown charsets read as UTF-8. */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const d = decoderFor(charset || "utf-8");
  if (d.encoding === "windows-1252") return decodeWindows1252(bytes);
  return d.decode(bytes);
}

const HEX: Record<string, number> = {};
for (let i = 0; i < 16; i++) {
  HEX[i.toString(16)] = i;
  HEX[i.toString(16).toUpperCase()] = i;
}

/** Quoted-printable to bytes; soft line breaks removed, malformed escapes kept as written. */
export function decodeQuotedPrintable(input: Buffer, underscoreIsSpace = false): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === 0x3d) {
      const a = input[i + 1];
      const b = input[i + 2];
      if (a === 0x0d && b === 0x0a) {
        i += 2;
        continue;
      }
      if (a === 0x0a) {
        i += 1;
        continue;
      }
      const hi = a === undefined ? undefined : HEX[String.fromCharCode(a)];
      const lo = b === undefined ? undefined : HEX[String.fromCharCode(b)];
      if (hi !== undefined && lo !== undefined) {
        out[o++] = hi * 16 + lo;
        i += 2;
        continue;
      }
      out[o++] = c;
    } else if (underscoreIsSpace && c === 0x5f) {
      out[o++] = 0x20;
    } else {
      out[o++] = c;
    }
  }
  return out.subarray(0, o);
}

/** Base64 to bytes, ignoring line breaks and junk (Node's decoder is lenient already). */
export function decodeBase64(input: Buffer): Buffer {
  return Buffer.from(input.toString("latin1"), "base64");
}

/** Undoes a Content-Transfer-Encoding. */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  switch (encoding.toLowerCase()) {
    case "base64":
      return decodeBase64(body);
    case "quoted-printable":
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * RFC 2047 encoded-words to text. Whitespace between two adjacent encoded-words is dropped, as
 * the RFC says; a word that does not decode is left as written.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes("=?")) return value;
  let out = "";
  let last = 0;
  let prevWasWord = false;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    if (!(prevWasWord && /^[ \t\r\n]*$/.test(between))) out += between;
    const charset = m[1]!.replace(/\*.*$/, ""); // RFC 2231 language suffix
    const text = Buffer.from(m[3]!, "latin1");
    const bytes = m[2]!.toUpperCase() === "B" ? decodeBase64(text) : decodeQuotedPrintable(text, true);
    out += decodeCharset(bytes, charset);
    last = m.index + m[0].length;
    prevWasWord = true;
  }
  return out + value.slice(last);
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Case folding for comparisons (an approximation of i;unicode-casemap that Dovecot uses):
 * compatibility decomposition, then lowercase. ASCII takes the fast path.
 */
export function fold(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase();
  return s.normalize("NFKD").toLowerCase();
}
