/**
 * Incremental, byte-level framing of client input. IMAP commands are lines that may carry
 * literals (`{n}` / `{n+}` at the end of a line, then n raw bytes, then the rest of the
 * command). The framer follows the bytes one state at a time, so a literal's content is never
 * mistaken for a command and a size is checked before the client is told to send it.
 */
import type { ByteBudget } from "@sandmail/core";

/** One line piece of a command; `literal` holds the bytes announced by `{n}` at its end. */
export interface FramePiece {
  line: Buffer;
  literal?: Buffer;
}

/** A complete command as received: its line pieces and their literals, CRLF stripped. */
export interface Frame {
  pieces: FramePiece[];
  /** Literal bytes reserved in the memory budget for this frame; released once it has run. */
  reserved?: number;
}

export type FramerEvent =
  | { type: "frame"; frame: Frame }
  /** A synchronizing literal was accepted: the client waits for a `+` continuation. */
  | { type: "continue"; size: number }
  /**
   * The command was refused before it was complete (literal or line too large). The framer has
   * already thrown its bytes away; `close` asks the connection to end (the rest cannot be skipped).
   */
  | { type: "rejected"; tag: string; status: "BAD" | "NO"; reason: string; code?: string; close: boolean };

export interface FramerLimits {
  /** Longest line (without literals) accepted, in bytes. */
  maxLineBytes: number;
  /** Largest single literal accepted. */
  maxLiteralBytes: number;
  /** Largest whole command (lines and literals together). */
  maxCommandBytes: number;
  /**
   * An oversized non-synchronizing literal ends the connection instead of being read and thrown
   * away (RFC 7888 §4 allows either): before login nobody may make us read 25 MiB of junk.
   */
  closeOnOversizedNonSync?: boolean;
  /**
   * A line over maxLineBytes ends the connection at once instead of being read to its end and
   * thrown away: under COMPRESS a few kilobytes can inflate into gigabytes of one line.
   */
  closeOnOverlongLine?: boolean;
  /**
   * The process's memory budget: a literal is reserved in it when announced, before any of its
   * bytes is kept; one that does not fit is refused (`NO [LIMIT]`) and never read.
   */
  budget?: ByteBudget;
}

const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

type Mode =
  | "line" // reading a command line
  | "literal" // reading literal bytes
  | "discard-literal" // throwing away a refused non-synchronizing literal
  | "discard-line" // throwing away the rest of a refused line
  | "closed"; // refused in a way that ends the connection: nothing more is read

export class CommandFramer {
  private mode: Mode = "line";
  private lineChunks: Buffer[] = [];
  private lineLength = 0;
  private inQuote = false;
  private escaped = false;
  private pieces: FramePiece[] = [];
  private commandBytes = 0;
  private literalChunks: Buffer[] = [];
  private literalRemaining = 0;
  /** Literal bytes of the command being read that are reserved in the budget. */
  private reserved = 0;
  /** Set while the current command is being thrown away; reported when its last line ends. */
  private rejection: { tag: string; status?: "NO"; reason: string; code?: string } | undefined;

  /** Replaceable: a connection lifts the literal limit once the client has logged in. */
  constructor(public limits: FramerLimits) {}

  /** Gives back what the command still being read had reserved (the connection is closing). */
  dispose(): void {
    this.releaseReserved();
  }

  /** Feeds received bytes; returns what they completed, in order. */
  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.mode) {
        case "closed":
          return events;
        case "literal":
        case "discard-literal": {
          const take = Math.min(this.literalRemaining, chunk.length - pos);
          if (this.mode === "literal") this.literalChunks.push(chunk.subarray(pos, pos + take));
          pos += take;
          this.literalRemaining -= take;
          if (this.literalRemaining === 0) this.endLiteral();
          break;
        }
        case "line":
        case "discard-line":
          pos = this.scanLine(chunk, pos, events);
          break;
      }
    }
    return events;
  }

  private scanLine(chunk: Buffer, start: number, events: FramerEvent[]): number {
    let pos = start;
    while (pos < chunk.length) {
      const byte = chunk[pos]!;
      if (byte === LF) {
        this.appendLine(chunk.subarray(start, pos));
        this.endLine(events);
        return pos + 1;
      }
      if (this.mode === "line") {
        // Quote state matters: `{5}` inside a quoted string is text, not a literal marker.
        if (this.inQuote) {
          if (this.escaped) this.escaped = false;
          else if (byte === BACKSLASH) this.escaped = true;
          else if (byte === QUOTE) this.inQuote = false;
        } else if (byte === QUOTE) {
          this.inQuote = true;
        }
      }
      pos++;
      if (this.mode === "line" && this.lineLength + (pos - start) > this.limits.maxLineBytes) {
        this.appendLine(chunk.subarray(start, pos));
        this.reject("Command line too long", "TOOBIG", false);
        if (this.limits.closeOnOverlongLine) {
          this.finishRejection(events, true);
          this.mode = "closed";
          this.lineChunks = [];
          this.lineLength = 0;
          return chunk.length;
        }
        this.mode = "discard-line";
        return pos;
      }
    }
    this.appendLine(chunk.subarray(start, pos));
    return pos;
  }

  private appendLine(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.mode === "discard-line") {
      // Keep only enough to recover the tag.
      if (this.lineLength < 64) this.lineChunks.push(bytes.subarray(0, 64));
      this.lineLength += bytes.length;
      return;
    }
    this.lineChunks.push(bytes);
    this.lineLength += bytes.length;
  }

  private takeLine(): Buffer {
    let line = this.lineChunks.length === 1 ? this.lineChunks[0]! : Buffer.concat(this.lineChunks);
    this.lineChunks = [];
    this.lineLength = 0;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    return line;
  }

  private endLine(events: FramerEvent[]): void {
    const discarding = this.mode === "discard-line";
    const line = this.takeLine();
    const wasQuoted = this.inQuote;
    this.inQuote = false;
    this.escaped = false;
    const marker = wasQuoted ? undefined : literalMarker(line);
    if (discarding) {
      this.rejectionTagFrom(line);
      if (marker?.nonSync) {
        this.mode = "discard-literal";
        this.literalRemaining = marker.size;
        if (marker.size === 0) this.mode = "discard-line";
        return;
      }
      if (marker) {
        // A synchronizing literal in a refused command: the client waits for `+` we will not send.
        this.finishRejection(events, true);
        return;
      }
      this.finishRejection(events, false);
      return;
    }
    this.commandBytes += line.length;
    if (!marker) {
      this.pieces.push({ line });
      const frame: Frame =
        this.reserved > 0 ? { pieces: this.pieces, reserved: this.reserved } : { pieces: this.pieces };
      // The frame owns its reservation now; the connection releases it after running it.
      this.reserved = 0;
      this.resetCommand();
      events.push({ type: "frame", frame });
      return;
    }
    const tag = this.pieces.length > 0 ? tagOf(this.pieces[0]!.line) : tagOf(line);
    const tooBig =
      marker.size > this.limits.maxLiteralBytes ||
      this.commandBytes + marker.size > this.limits.maxCommandBytes;
    const noRoom = !tooBig && this.limits.budget !== undefined && !this.limits.budget.tryReserve(marker.size);
    if (tooBig || noRoom) {
      this.rejection = tooBig
        ? { tag, reason: `Literal of ${marker.size} bytes is over the limit`, code: "TOOBIG" }
        : { tag, status: "NO", reason: "The server's memory is full, try again later", code: "LIMIT" };
      if (marker.nonSync && tooBig && this.limits.closeOnOversizedNonSync) {
        this.finishRejection(events, true);
        return;
      }
      if (marker.nonSync) {
        this.mode = "discard-literal";
        this.literalRemaining = marker.size;
        return;
      }
      // The client sends nothing until `+`: refusing now ends this command cleanly.
      this.finishRejection(events, false);
      return;
    }
    this.pieces.push({ line });
    if (!marker.nonSync) events.push({ type: "continue", size: marker.size });
    if (this.limits.budget) this.reserved += marker.size;
    this.commandBytes += marker.size;
    this.literalRemaining = marker.size;
    this.mode = "literal";
    if (marker.size === 0) this.endLiteral();
  }

  private endLiteral(): void {
    if (this.mode === "literal") {
      const chunks = this.literalChunks;
      this.literalChunks = [];
      const piece = this.pieces[this.pieces.length - 1]!;
      piece.literal = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.mode = "line";
    } else {
      // The rest of the refused command's line follows the literal: throw it away too.
      this.mode = "discard-line";
    }
  }

  private reject(reason: string, code: string | undefined, _close: boolean): void {
    const first = this.pieces[0]?.line ?? Buffer.concat(this.lineChunks);
    this.rejection = { tag: tagOf(first), reason, ...(code ? { code } : {}) };
  }

  private rejectionTagFrom(line: Buffer): void {
    if (this.rejection && this.rejection.tag === "*" && this.pieces.length === 0) {
      this.rejection.tag = tagOf(line);
    }
  }

  private finishRejection(events: FramerEvent[], close: boolean): void {
    const r = this.rejection ?? { tag: "*", reason: "Command refused" };
    events.push({
      type: "rejected",
      tag: r.tag,
      status: r.status ?? "BAD",
      reason: r.reason,
      ...(r.code ? { code: r.code } : {}),
      close,
    });
    this.resetCommand();
  }

  private releaseReserved(): void {
    if (this.reserved > 0) this.limits.budget?.release(this.reserved);
    this.reserved = 0;
  }

  private resetCommand(): void {
    this.releaseReserved();
    this.pieces = [];
    this.commandBytes = 0;
    this.rejection = undefined;
    this.mode = "line";
  }
}

/** `{123}` or `{123+}` at the very end of a line. */
function literalMarker(line: Buffer): { size: number; nonSync: boolean } | undefined {
  let i = line.length - 1;
  if (i < 2 || line[i] !== 0x7d /* } */) return undefined;
  i--;
  let nonSync = false;
  if (line[i] === 0x2b /* + */) {
    nonSync = true;
    i--;
  }
  const end = i + 1;
  while (i >= 0 && line[i]! >= 0x30 && line[i]! <= 0x39) i--;
  if (i < 0 || line[i] !== 0x7b /* { */ || i + 1 === end || end - (i + 1) > 15) return undefined;
  return { size: Number(line.toString("latin1", i + 1, end)), nonSync };
}

/** The tag of a command line, for answering a command that could not be parsed. */
export function tagOf(line: Buffer): string {
  let end = 0;
  while (end < line.length && end < 64) {
    const b = line[end]!;
    if (
      b <= 0x20 ||
      b >= 0x7f ||
      b === 0x28 ||
      b === 0x29 ||
      b === 0x7b ||
      b === 0x22 ||
      b === 0x25 ||
      b === 0x2a ||
      b === 0x5c ||
      b === 0x2b
    )
      break;
    end++;
  }
  return end === 0 ? "*" : line.toString("latin1", 0, end);
}
