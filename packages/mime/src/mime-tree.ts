import type { MimeNode } from "@sandmail/core";
import { type DelimiterStack, matchDelimiter, pushDelimiter } from "./delimiters.js";
import { type EntityHeaders, parseStructured, readEntityHeaders } from "./entity-headers.js";
import { findBlankLineEnd } from "./header-block.js";

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

/** Deeper nesting than this is indexed as an opaque leaf, so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 64;
/** Past this many parts, multiparts are indexed as leaves (Dovecot stops at 10,000 parts too). */
const MAX_PARTS = 10_000;

/** State shared by one indexing run. */
export interface IndexContext {
  /** Parts that may still be created. */
  partsLeft: number;
}

export function newIndexContext(): IndexContext {
  return { partsLeft: MAX_PARTS };
}

/** A delimiter line found in a body: where it starts, which boundary of the stack it matched. */
interface Stop {
  /** Offset of the delimiter line ("--boundary..."). */
  at: number;
  /** Index of the matched boundary in the stack (0 = innermost). */
  level: number;
  /** "--boundary--": the close delimiter. */
  close: boolean;
  /** Offset just past the delimiter line's line break. */
  lineEnd: number;
  /** Where the search started: a line start already consumed, which the entity end never goes below. */
  from: number;
}

export interface IndexedEntity {
  node: MimeNode;
  headers: EntityHeaders;
  /** The delimiter that ended this entity, or undefined when it ran to the end of the data. */
  stop: Stop | undefined;
}

/**
 * Builds the node of the entity starting at `start`: its header block, then its body, recursively.
 * `stack` holds the delimiters ("--" + boundary) of the enclosing multiparts, innermost first;
 * the entity ends at the first line that starts with one of them, as in RFC 2046 §5.1.1 ("it is
 * sufficient that the boundary appear in its entirety following the CRLF") and as Dovecot does.
 */
export function indexEntity(
  raw: Buffer,
  start: number,
  end: number,
  part: string,
  defaultType: string,
  depth: number,
  stack: DelimiterStack,
  messageRoot: boolean,
  ctx: IndexContext,
): IndexedEntity {
  ctx.partsLeft--;
  const first = findDelimiter(raw, start, end, stack);
  let headerEnd = findBlankLineEnd(raw, start, first?.at ?? end);
  // A header cut short by a delimiter ends, like a body, before the line break of that delimiter.
  const cutShort = headerEnd === -1 && first !== undefined;
  if (headerEnd === -1) headerEnd = entityEnd(raw, first, end);
  const headers = readEntityHeaders(raw, start, headerEnd);
  const ct = headers.contentType === undefined ? undefined : parseStructured(headers.contentType);
  let contentType = ct?.value ?? "";
  let params = ct?.params ?? {};
  // RFC 2045 §5.2: a missing or unusable Content-Type means the default type.
  if (!/^[^/\s]+\/[^/\s]+$/.test(contentType)) {
    contentType = defaultType;
    params = defaultType === "text/plain" ? { charset: "us-ascii" } : {};
  }
  const node: MimeNode = {
    part,
    headerStart: start,
    headerEnd,
    bodyStart: headerEnd,
    bodyEnd: end,
    contentType,
    params,
    encoding: (headers.encoding ?? "7bit").toLowerCase().split(/[\s;(]/)[0] || "7bit",
    lines: 0,
    children: [],
  };
  if (headers.contentId !== undefined) node.contentId = headers.contentId;
  if (headers.description !== undefined) node.description = headers.description;
  if (headers.disposition !== undefined) {
    const d = parseStructured(headers.disposition);
    if (d.value !== "") {
      node.disposition = d.value;
      node.dispositionParams = d.params;
    }
  }
  if (headers.language !== undefined) node.language = headers.language;
  if (headers.location !== undefined) node.location = headers.location;
  if (headers.md5 !== undefined) node.md5 = headers.md5;

  const boundary = params["boundary"];
  let stop: Stop | undefined;
  const deeper = depth < MAX_DEPTH && ctx.partsLeft > 0;
  if (contentType.startsWith("multipart/") && boundary && deeper) {
    stop = indexMultipart(raw, node, end, depth, stack, pushDelimiter(stack, boundary), ctx);
  } else if (contentType === "message/rfc822" && deeper) {
    // The encapsulated message of part p is numbered p; but when this node is itself a message
    // (the top level, or a message inside a message), its body is its own part p.1 (or 1).
    const innerPart = messageRoot ? (part === "" ? "1" : `${part}.1`) : part;
    const inner = indexEntity(raw, headerEnd, end, innerPart, "text/plain", depth + 1, stack, true, ctx);
    node.message = inner.node;
    node.bodyEnd = inner.node.bodyEnd;
    stop = inner.stop;
  } else {
    if (cutShort) {
      // Empty body; the header's last line break still counts as consumed for the enclosing
      // multipart's end (Dovecot counts it there, not in the header).
      stop = { ...first!, from: first!.at };
      node.bodyEnd = headerEnd;
    } else {
      // The first delimiter after the header is the one found from `start`: none lies inside it.
      stop =
        first && first.at >= headerEnd
          ? { ...first, from: headerEnd }
          : findDelimiter(raw, headerEnd, end, stack);
      node.bodyEnd = entityEnd(raw, stop, end);
    }
  }
  if (!contentType.startsWith("multipart/")) node.lines = countLines(raw, node.bodyStart, node.bodyEnd);
  return { node, headers, stop };
}

/** Indexes a multipart body into node.children; returns the enclosing delimiter that ended it. */
function indexMultipart(
  raw: Buffer,
  node: MimeNode,
  end: number,
  depth: number,
  stack: DelimiterStack,
  inner: DelimiterStack,
  ctx: IndexContext,
): Stop | undefined {
  const childDefault = node.contentType === "multipart/digest" ? "message/rfc822" : "text/plain";
  // The preamble runs up to the first delimiter of this multipart.
  let s = findDelimiter(raw, node.bodyStart, end, inner);
  while (s && s.level === 0 && !s.close && ctx.partsLeft > 0) {
    const n = node.children.length + 1;
    const childPart = node.part === "" ? String(n) : `${node.part}.${n}`;
    const child = indexEntity(raw, s.lineEnd, end, childPart, childDefault, depth + 1, inner, false, ctx);
    node.children.push(child.node);
    s = child.stop;
  }
  let stop: Stop | undefined;
  if (s && s.level === 0) {
    // Close delimiter: the epilogue runs up to the next enclosing delimiter.
    stop = findDelimiter(raw, s.lineEnd, end, stack);
  } else if (s) {
    stop = { ...s, level: s.level - 1 };
  }
  node.bodyEnd = entityEnd(raw, stop, end);
  return stop;
}

/**
 * Where an entity that was ended by `stop` ends: before the line break that precedes the
 * delimiter (it belongs to the delimiter), but never before the line start the search began at:
 * a line break already consumed (by the delimiter line in front of an empty part, or by a close
 * delimiter followed at once by an outer one) is not taken twice. Dovecot counts the same way.
 */
function entityEnd(raw: Buffer, stop: Stop | undefined, end: number): number {
  if (!stop) return end;
  let p = stop.at;
  if (p > stop.from && raw[p - 1] === LF) p--;
  if (p > stop.from && raw[p - 1] === CR) p--;
  return p;
}

const LINE_DASHES = Buffer.from("\n--", "latin1");

/**
 * The first line at or after `from` (a line start) that starts with one of the delimiters in the
 * stack. When several match, the longest wins (then the innermost), as in Dovecot.
 */
function findDelimiter(raw: Buffer, from: number, end: number, stack: DelimiterStack): Stop | undefined {
  if (stack.list.length === 0 || from >= end) return undefined;
  let at = from;
  if (raw[at] !== DASH || raw[at + 1] !== DASH) at = nextLineDashes(raw, at, end);
  while (at !== -1) {
    const m = matchDelimiter(raw, at, end, stack);
    if (m) {
      const after = at + m.length;
      const close = after + 1 < end && raw[after] === DASH && raw[after + 1] === DASH;
      const nl = raw.indexOf(LF, after);
      const lineEnd = nl === -1 || nl >= end ? end : nl + 1;
      return { at, level: m.level, close, lineEnd, from };
    }
    at = nextLineDashes(raw, at, end);
  }
  return undefined;
}

/** Offset of the next line (after `pos`) that starts with "--", or -1. */
function nextLineDashes(raw: Buffer, pos: number, end: number): number {
  const i = raw.indexOf(LINE_DASHES, pos);
  return i === -1 || i + 3 > end ? -1 : i + 1;
}

/**
 * Lines in [start, end): the number of LF bytes. This is what Dovecot reports as body-fld-lines
 * (a part's last line, whose line break belongs to the next boundary delimiter, is not counted),
 * and matching Dovecot keeps BODYSTRUCTURE identical to the reference server.
 */
export function countLines(raw: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = raw.indexOf(LF, start); i !== -1 && i < end; i = raw.indexOf(LF, i + 1)) n++;
  return n;
}
