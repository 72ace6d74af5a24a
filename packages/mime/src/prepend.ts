import { SandmailError } from "@sandmail/core";

const MAX_LINE = 76;
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Folds `Name: value` into lines of at most ~76 characters where white space allows (RFC 5322
 * §2.2.3), each line ending in CRLF. Line breaks inside the value are turned into spaces so a
 * value can never inject another header.
 */
export function foldHeader(name: string, value: string): string {
  const clean = value.replace(/\r\n|\r|\n/g, " ");
  const words = clean.split(/(?<=\S)(?=[ \t])/);
  let line = `${name}:`;
  let out = "";
  for (const word of words) {
    const piece = line.endsWith(":") && !/^[ \t]/.test(word) ? ` ${word}` : word;
    if (line.length + piece.length > MAX_LINE && line.trim().length > name.length + 1) {
      out += `${line}\r\n`;
      line = /^[ \t]/.test(piece) ? piece : ` ${piece}`;
    } else line += piece;
  }
  return `${out}${line}\r\n`;
}

/**
 * Puts header fields in front of a message (e.g. Received, Authentication-Results), folded, CRLF,
 * after `formatted`: fields already written out (each ending in CRLF). One allocation, one copy
 * of the message: this runs for every ingested message.
 */
export function prependHeaders(
  raw: Buffer,
  headers: Array<[name: string, value: string]>,
  formatted = "",
): Buffer {
  if (headers.length === 0 && formatted === "") return raw;
  for (const [name] of headers) {
    if (!FIELD_NAME.test(name))
      throw new SandmailError("invalid_request", `invalid header field name: ${JSON.stringify(name)}`);
  }
  let text = formatted;
  for (const [name, value] of headers) text += foldHeader(name, value);
  const textBytes = Buffer.byteLength(text);
  const out = Buffer.allocUnsafe(textBytes + raw.length);
  out.write(text, 0, "utf8");
  raw.copy(out, textBytes);
  return out;
}
