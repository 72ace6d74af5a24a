/**
 * The one MIME decoding stack: transfer encodings, charsets and RFC 2047 encoded-words, done by
 * the libraries mailparser itself uses (libqp, libbase64, libmime's charset module over
 * iconv-lite). The API reads messages through mailparser and IMAP SEARCH through these
 * functions, so both see the same text for the same bytes.
 */
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

/** Undoes a Content-Transfer-Encoding; identity encodings and unknown ones return the bytes as they are. */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  switch (encoding.toLowerCase()) {
    case "base64":
      return libbase64.decode(body.toString("latin1"));
    case "quoted-printable":
      return libqp.decode(body);
    default:
      return body;
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
