/**
 * Turns one framed command (lines plus their literals) into a Command: a byte-level
 * recursive-descent reader over the AST of ast.ts. Strings stay bytes; nothing is decoded here.
 */
import type { AtomToken, Command, StringToken, Token } from "./ast.js";
import type { Frame } from "./parser.js";

export class ParseError extends Error {
  constructor(
    message: string,
    /** The command's tag when it could be read, else "*". */
    readonly tag: string,
  ) {
    super(message);
    this.name = "ParseError";
  }
}

const SP = 0x20;
const LPAREN = 0x28;
const RPAREN = 0x29;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const TILDE = 0x7e;
const LT = 0x3c;

const MAX_DEPTH = 32;

class Cursor {
  private piece = 0;
  pos = 0;
  tag = "*";
  constructor(private readonly frame: Frame) {}

  get line(): Buffer {
    return this.frame.pieces[this.piece]!.line;
  }
  peek(): number | undefined {
    return this.line[this.pos];
  }
  atEnd(): boolean {
    return this.pos >= this.line.length && this.piece === this.frame.pieces.length - 1;
  }
  atPieceEnd(): boolean {
    return this.pos >= this.line.length;
  }
  /** Steps past a literal marker at the end of this piece and returns the literal's bytes. */
  takeLiteral(): Buffer {
    const piece = this.frame.pieces[this.piece]!;
    if (!piece.literal || this.piece + 1 >= this.frame.pieces.length)
      this.fail("Literal marker not at end of line");
    this.piece++;
    this.pos = 0;
    return piece.literal!;
  }
  mark(): { piece: number; pos: number } {
    return { piece: this.piece, pos: this.pos };
  }
  reset(mark: { piece: number; pos: number }): void {
    this.piece = mark.piece;
    this.pos = mark.pos;
  }
  /** The text from `mark` to here, when both lie on the same line piece. */
  textSince(mark: { piece: number; pos: number }): string | undefined {
    return mark.piece === this.piece ? this.line.toString("latin1", mark.pos, this.pos) : undefined;
  }
  fail(message: string): never {
    throw new ParseError(message, this.tag);
  }
}

export function parseFrame(frame: Frame): Command {
  const c = new Cursor(frame);
  const tag = readBareAtom(c, isTagChar);
  if (!tag) c.fail("Missing tag");
  c.tag = tag;
  if (c.peek() !== SP) c.fail("Missing command");
  c.pos++;
  let name = readBareAtom(c, isAtomChar).toUpperCase();
  if (!name) c.fail("Missing command");
  let uid = false;
  if (name === "UID") {
    if (c.peek() !== SP) c.fail("UID needs a command");
    c.pos++;
    name = readBareAtom(c, isAtomChar).toUpperCase();
    if (!name) c.fail("UID needs a command");
    uid = true;
  }
  const args: Token[] = [];
  while (!c.atEnd()) {
    if (c.peek() !== SP) c.fail(`Unexpected character in ${name} arguments`);
    c.pos++;
    args.push(readToken(c, 0, false));
  }
  return { tag, name, uid, args };
}

function readToken(c: Cursor, depth: number, inSection: boolean): Token {
  if (depth > MAX_DEPTH) c.fail("Lists nested too deeply");
  const b = c.peek();
  if (b === undefined) c.fail("Missing argument");
  if (b === LPAREN) return readList(c, depth, inSection);
  if (b === QUOTE) return readQuoted(c);
  if (b === LBRACE) return readLiteral(c);
  // literal8 (RFC 3516): `~{n}`; `~` alone is an atom character.
  if (b === TILDE && c.line[c.pos + 1] === LBRACE) {
    c.pos++;
    return { ...readLiteral(c), binary: true };
  }
  return readAtom(c, depth, inSection);
}

function readList(c: Cursor, depth: number, inSection: boolean): Token {
  c.pos++; // (
  const items: Token[] = [];
  for (;;) {
    const b = c.peek();
    if (b === RPAREN) {
      c.pos++;
      return { type: "list", items };
    }
    if (b === undefined) c.fail("Unterminated list");
    if (items.length > 0) {
      if (b !== SP) c.fail("Expected space in list");
      c.pos++;
      // Tolerate a space before ")" as several clients send one.
      if (c.peek() === RPAREN) continue;
    }
    items.push(readToken(c, depth + 1, inSection));
  }
}

function readQuoted(c: Cursor): Token {
  c.pos++; // "
  const line = c.line;
  const out: number[] = [];
  const start = c.pos;
  let simple = true;
  while (c.pos < line.length) {
    const b = line[c.pos]!;
    if (b === QUOTE) {
      const value = simple ? Buffer.from(line.subarray(start, c.pos)) : Buffer.from(out);
      c.pos++;
      return { type: "string", value, literal: false };
    }
    if (b === BACKSLASH) {
      if (simple) {
        for (let i = start; i < c.pos; i++) out.push(line[i]!);
        simple = false;
      }
      const next = line[c.pos + 1];
      if (next !== QUOTE && next !== BACKSLASH) c.fail("Invalid escape in quoted string");
      out.push(next);
      c.pos += 2;
      continue;
    }
    if (!simple) out.push(b);
    c.pos++;
  }
  return c.fail("Unterminated quoted string");
}

function readLiteral(c: Cursor): StringToken {
  const line = c.line;
  let i = c.pos + 1;
  while (i < line.length && line[i]! >= 0x30 && line[i]! <= 0x39) i++;
  if (line[i] === 0x2b) i++;
  if (line[i] !== 0x7d || i !== line.length - 1) c.fail("Invalid literal");
  c.pos = line.length;
  return { type: "string", value: c.takeLiteral(), literal: true };
}

/**
 * An atom, or a fetch attribute with a section (`BODY[1.MIME]<0.10>`). `[` and `]` are atom
 * characters of an astring too (RFC 3501 §9), so what does not read as a complete section
 * followed by the end of the argument is read again as one plain atom: `foo[bar` is a mailbox name.
 */
function readAtom(c: Cursor, depth: number, inSection: boolean): Token {
  const start = c.mark();
  const value = readBareAtom(c, inSection ? isSectionAtomChar : isAtomChar);
  if (c.peek() === LBRACKET && !inSection) {
    try {
      const token = readSection(c, value, depth);
      const after = c.peek();
      if (after === undefined || after === SP || after === RPAREN) {
        const raw = c.textSince(start);
        if (raw !== undefined) token.raw = raw;
        return token;
      }
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
    }
    c.reset(start);
    return { type: "atom", value: readBareAtom(c, isAstringChar) };
  }
  if (c.peek() === LBRACKET) c.fail("Nested section");
  if (!value) c.fail("Unexpected character");
  return { type: "atom", value };
}

function readSection(c: Cursor, value: string, depth: number): AtomToken {
  c.pos++; // [
  const section: Token[] = [];
  for (;;) {
    const b = c.peek();
    if (b === RBRACKET) {
      c.pos++;
      break;
    }
    if (b === undefined) c.fail("Unterminated section");
    if (section.length > 0) {
      if (b !== SP) c.fail("Expected space in section");
      c.pos++;
    }
    section.push(readToken(c, depth + 1, true));
  }
  const token: AtomToken = { type: "atom", value, section };
  if (c.peek() === LT) token.partial = readPartial(c);
  return token;
}

function readPartial(c: Cursor): { start: number; length?: number } {
  c.pos++; // <
  const start = readNumber(c);
  let length: number | undefined;
  if (c.peek() === 0x2e) {
    c.pos++;
    length = readNumber(c);
  }
  if (c.peek() !== 0x3e) c.fail("Invalid partial range");
  c.pos++;
  return length === undefined ? { start } : { start, length };
}

function readNumber(c: Cursor): number {
  const line = c.line;
  const from = c.pos;
  while (c.pos < line.length && line[c.pos]! >= 0x30 && line[c.pos]! <= 0x39) c.pos++;
  if (c.pos === from || c.pos - from > 10) c.fail("Invalid number");
  const n = Number(line.toString("latin1", from, c.pos));
  if (n > 0xffffffff) c.fail("Number out of range");
  return n;
}

function readBareAtom(c: Cursor, accept: (b: number) => boolean): string {
  const line = c.line;
  const from = c.pos;
  while (c.pos < line.length && accept(line[c.pos]!)) c.pos++;
  return line.toString("latin1", from, c.pos);
}

function isAtomChar(b: number): boolean {
  // Wildcards and backslash are allowed so flags (\Seen), LIST patterns and `1:*` read as atoms;
  // `]` is an ASTRING-CHAR.
  return (
    b > 0x20 && b < 0x7f && b !== LPAREN && b !== RPAREN && b !== QUOTE && b !== LBRACKET && b !== LBRACE
  );
}

function isAstringChar(b: number): boolean {
  return isAtomChar(b) || b === LBRACKET;
}

function isSectionAtomChar(b: number): boolean {
  return isAtomChar(b) && b !== RBRACKET;
}

function isTagChar(b: number): boolean {
  return isAtomChar(b) && b !== 0x2b && b !== 0x2a && b !== 0x25 && b !== BACKSLASH && b !== RBRACKET;
}
