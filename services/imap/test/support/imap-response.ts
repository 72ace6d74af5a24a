/**
 * Test-side reading of IMAP server responses: splits the byte stream into complete responses
 * (a line plus any literals it announces) and turns FETCH/SEARCH data into the Value shape of
 * src/protocol/ast.ts, so a reference server's answer can be compared with ours.
 */
import { Atom, Literal, Utf8Quoted, type Value } from "../../src/protocol/ast.js";

/**
 * Length of the first complete response in buf, or -1 when more bytes are needed.
 * A response ends at CRLF unless the line ends with `{n}`, then n bytes follow and it goes on.
 */
export function completeResponseLength(buf: Buffer): number {
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf("\r\n", pos);
    if (nl === -1) return -1;
    const m = /\{(\d+)\+?\}$/.exec(buf.toString("latin1", Math.max(pos, nl - 24), nl));
    if (!m) return nl + 2;
    pos = nl + 2 + Number(m[1]);
    if (pos > buf.length) return -1;
  }
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  fail(what: string): never {
    throw new Error(`${what} at ${this.pos}: ${this.buf.toString("latin1", this.pos, this.pos + 40)}`);
  }

  value(): Value {
    const c = this.buf[this.pos];
    if (c === 0x28) {
      this.pos++;
      const items: Value[] = [];
      while (this.buf[this.pos] !== 0x29) {
        if (this.pos >= this.buf.length) this.fail("unterminated list");
        items.push(this.value());
        if (this.buf[this.pos] === 0x20) this.pos++;
      }
      this.pos++;
      return items;
    }
    if (c === 0x22) return this.quoted();
    // literal8 (`~{n}`, RFC 3516) reads as a literal: its bytes are what is compared.
    if (c === 0x7e && this.buf[this.pos + 1] === 0x7b) this.pos++;
    if (this.buf[this.pos] === 0x7b) {
      const close = this.buf.indexOf("}\r\n", this.pos);
      const n = Number(this.buf.toString("latin1", this.pos + 1, close).replace("+", ""));
      const start = close + 3;
      this.pos = start + n;
      return new Literal(Buffer.from(this.buf.subarray(start, start + n)));
    }
    return this.atom();
  }

  quoted(): string {
    this.pos++;
    const bytes: number[] = [];
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos++]!;
      if (c === 0x22) return Buffer.from(bytes).toString("utf8");
      if (c === 0x5c) bytes.push(this.buf[this.pos++]!);
      else bytes.push(c);
    }
    return this.fail("unterminated quoted string");
  }

  atom(): Value {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos]!;
      if (c === 0x5b) depth++;
      else if (c === 0x5d) depth--;
      else if (depth === 0 && (c === 0x20 || c === 0x28 || c === 0x29 || c === 0x0d)) break;
      this.pos++;
    }
    const text = this.buf.toString("latin1", start, this.pos);
    if (text === "") this.fail("expected a value");
    if (text.toUpperCase() === "NIL") return null;
    if (/^[0-9]+$/.test(text)) return Number(text);
    return new Atom(text);
  }
}

/** Parses the values of one response line (without `* ` and CRLF), e.g. `12 FETCH (...)`. */
export function parseValues(buf: Buffer): Value[] {
  const r = new Reader(buf);
  const out: Value[] = [];
  while (r.pos < buf.length && buf[r.pos] !== 0x0d) {
    out.push(r.value());
    if (buf[r.pos] === 0x20) r.pos++;
  }
  return out;
}

/** FETCH data items as a map from upper-cased item name (`BODY[1.MIME]`) to value. */
export function fetchItems(list: Value): Map<string, Value> {
  const items = new Map<string, Value>();
  if (!Array.isArray(list)) throw new Error("FETCH data is not a list");
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (!(name instanceof Atom)) throw new Error("FETCH item name is not an atom");
    items.set(name.value.toUpperCase(), list[i + 1]!);
  }
  return items;
}

/** The UIDs of `FETCH 1:* (UID)` responses by position: index = sequence number - 1. */
export function fetchedUids(untagged: Buffer[]): number[] {
  const uids: number[] = [];
  for (const line of untagged) {
    const values = parseValues(line);
    if (values[1] instanceof Atom && values[1].value.toUpperCase() === "FETCH") {
      uids[(values[0] as number) - 1] = fetchItems(values[2]!).get("UID") as number;
    }
  }
  return uids;
}

/**
 * A canonical text form of a Value for comparisons. Quoted strings and literals of the same
 * bytes print alike (how a string is sent is the writer's choice, not content).
 */
export function canonical(v: Value): string {
  if (v === null) return "NIL";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Literal) return JSON.stringify(v.bytes.toString("utf8"));
  if (v instanceof Atom) return v.value;
  if (v instanceof Utf8Quoted) return JSON.stringify(v.text);
  return `(${v.map(canonical).join(" ")})`;
}
