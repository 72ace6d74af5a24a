/**
 * Serializes response Values into wire bytes. Strings are quoted when that is safe and
 * literals otherwise (8-bit, CR/LF, quotes in bulk, long text); message bodies are passed
 * through as their own Buffers so large literals are never copied.
 */
import { Atom, Literal, Utf8Quoted, type Value } from "./ast.js";

const CRLF = Buffer.from("\r\n");
const MAX_QUOTED = 1024;
const PLAIN_QUOTED = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Growing list of output chunks: small text is joined, large Buffers are kept by reference. */
export class ChunkList {
  readonly chunks: Buffer[] = [];
  private text = "";
  size = 0;

  str(s: string): void {
    this.text += s;
  }
  buffer(b: Buffer): void {
    this.flushText();
    this.chunks.push(b);
    this.size += b.length;
  }
  flushText(): void {
    if (this.text) {
      const b = Buffer.from(this.text, "latin1");
      this.chunks.push(b);
      this.size += b.length;
      this.text = "";
    }
  }
  finish(): Buffer[] {
    this.flushText();
    return this.chunks;
  }
}

function quotable(b: Buffer): boolean {
  if (b.length > MAX_QUOTED) return false;
  for (const c of b) if (c < 0x20 || c > 0x7e) return false;
  return true;
}

/** Quotable as RFC 6855's UTF-8 quoted string: no controls (CR, LF, NUL...) and not too long. */
function utf8Quotable(b: Buffer): boolean {
  if (b.length > MAX_QUOTED) return false;
  for (const c of b) if (c < 0x20 || c === 0x7f) return false;
  return true;
}

function writeBytes(out: ChunkList, b: Buffer, forceLiteral: boolean, binary = false, utf8 = false): void {
  if ((!forceLiteral || b.length === 0) && (utf8 ? utf8Quotable(b) : quotable(b))) {
    // latin1 carries each byte as one char; the ChunkList turns them back into the same bytes.
    out.str(`"${b.toString("latin1").replace(/[\\"]/g, "\\$&")}"`);
    return;
  }
  out.str(`${binary ? "~" : ""}{${b.length}}\r\n`);
  out.buffer(b);
}

export function writeValue(out: ChunkList, v: Value): void {
  if (v === null) out.str("NIL");
  else if (typeof v === "number" || typeof v === "bigint") out.str(String(v));
  else if (typeof v === "string") {
    // Plain ASCII needs no byte conversion or escaping (FETCH ENVELOPE is mostly such strings).
    if (v.length <= MAX_QUOTED && PLAIN_QUOTED.test(v)) out.str(`"${v}"`);
    else writeBytes(out, Buffer.from(v, "utf8"), false);
  } else if (v instanceof Atom) out.str(v.value);
  else if (v instanceof Literal) writeBytes(out, v.bytes, true, v.binary);
  else if (v instanceof Utf8Quoted) writeBytes(out, Buffer.from(v.text, "utf8"), false, false, true);
  else if (Array.isArray(v)) {
    out.str("(");
    v.forEach((item, i) => {
      if (i > 0) out.str(" ");
      writeValue(out, item);
    });
    out.str(")");
  }
}

/** Space-separated values, as they follow `*` or a tag. */
export function writeValues(out: ChunkList, values: Value[]): void {
  values.forEach((v, i) => {
    if (i > 0) out.str(" ");
    writeValue(out, v);
  });
}

/** `* <values>\r\n` */
export function untagged(values: Value[]): Buffer[] {
  const out = new ChunkList();
  out.str("* ");
  writeValues(out, values);
  out.str("\r\n");
  return out.finish();
}

export type Status = "OK" | "NO" | "BAD" | "BYE" | "PREAUTH";

/** Response text must be one line: strip anything that would end it early. */
function cleanText(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

/** `<tag|*> <status> [<code>] <text>\r\n` */
export function statusLine(tag: string, status: Status, text: string, code?: string): Buffer {
  return Buffer.from(`${tag} ${status} ${code ? `[${code}] ` : ""}${cleanText(text)}\r\n`, "utf8");
}

export function continuation(text: string): Buffer {
  return Buffer.from(`+ ${cleanText(text)}\r\n`, "utf8");
}

export { CRLF };
