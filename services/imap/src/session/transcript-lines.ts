/**
 * What an IMAP transcript shows: client commands from the framer's frames and server replies
 * from the bytes written, each literal as its size (`{300}[300 bytes]`), LOGIN and AUTHENTICATE
 * credentials as `[redacted]`.
 */
import { keepWords, REDACTED } from "@sandmail/runtime";
import type { Frame } from "../protocol/parser.js";

/** Characters of one reply line assembled at most; the rest is only counted (a SEARCH of 100k UIDs). */
const MAX_PENDING = 4096;

/** A client command as one line, literals as their size. */
export function frameText(frame: Frame): string {
  let text = "";
  for (const piece of frame.pieces) {
    text += piece.line.toString("latin1", 0, Math.min(piece.line.length, MAX_PENDING));
    if (piece.line.length > MAX_PENDING) text += `… [${piece.line.length - MAX_PENDING} more bytes]`;
    if (piece.literal) text += `[${piece.literal.length} bytes]`;
  }
  return text;
}

const LOGIN = /^(\S+\s+LOGIN\s+("(?:[^"\\]|\\.)*"|\{\d+\+?\}\[\d+ bytes\]|[^\s"{]+))\s/i;

/**
 * A top-level command with its credentials redacted: `a LOGIN user [redacted]`,
 * `a AUTHENTICATE PLAIN [redacted]`. The user name of a LOGIN stays when it can be told apart.
 */
export function redactCommand(text: string): string {
  const login = LOGIN.exec(text);
  if (login) return `${login[1]} ${REDACTED}`;
  if (/^\S+\s+LOGIN\b/i.test(text)) return keepWords(text, 2);
  if (/^\S+\s+AUTHENTICATE\b/i.test(text)) return keepWords(text, 3);
  return text;
}

/**
 * Splits the bytes the server writes into reply lines, literals (announced by `{n}` at a line's
 * end, then n bytes) shown as their size within the line they belong to.
 */
export class ReplyLines {
  #pending = "";
  #dropped = 0;
  #literalLeft = 0;
  #literalSize = 0;

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#literalLeft > 0) {
        const take = Math.min(this.#literalLeft, chunk.length - i);
        this.#literalLeft -= take;
        i += take;
        if (this.#literalLeft === 0) this.#append(`[${this.#literalSize} bytes]`);
        continue;
      }
      const lf = chunk.indexOf(0x0a, i);
      const end = lf < 0 ? chunk.length : lf;
      if (this.#pending.length < MAX_PENDING) {
        this.#append(chunk.toString("latin1", i, Math.min(end, i + MAX_PENDING)));
        this.#dropped += Math.max(0, end - i - MAX_PENDING);
      } else this.#dropped += end - i;
      if (lf < 0) return;
      i = lf + 1;
      if (this.#pending.endsWith("\r")) this.#pending = this.#pending.slice(0, -1);
      const marker = /\{(\d{1,15})\+?\}$/.exec(this.#pending);
      if (marker && this.#dropped === 0) {
        this.#literalSize = Number(marker[1]);
        this.#literalLeft = this.#literalSize;
        if (this.#literalLeft === 0) this.#append("[0 bytes]");
        continue;
      }
      this.#flush();
    }
  }

  #append(text: string): void {
    this.#pending += text;
  }

  #flush(): void {
    const more = this.#dropped > 0 ? `… [${this.#dropped} more bytes]` : "";
    this.emit(this.#pending + more);
    this.#pending = "";
    this.#dropped = 0;
  }
}
