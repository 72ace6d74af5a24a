/**
 * IMAP body sections (RFC 3501 §6.4.5) resolved on the MIME index: which node a part number
 * names and which bytes `BODY[section]` returns. IMAP FETCH serves exactly these bytes, and the
 * Dovecot golden test checks them against what Dovecot returns for the same messages.
 */
import type { MimeNode } from "@sandmail/core";
import { locateFields } from "./header-fields.js";

export type SectionSpecifier = "HEADER" | "HEADER.FIELDS" | "HEADER.FIELDS.NOT" | "TEXT" | "MIME";

/** The contents of `BODY[...]`: a part path (empty for the whole message) and what to take of it. */
export interface SectionSpec {
  path: number[];
  specifier?: SectionSpecifier;
  /** Field names for HEADER.FIELDS(.NOT), as the client wrote them. */
  fields?: string[];
}

function isMessage(node: MimeNode): boolean {
  return node.contentType === "message/rfc822" && node.message !== undefined;
}

/**
 * The node a part path names, or undefined when there is no such part. A single part only has
 * part 1, and nothing below it unless it is a message/rfc822, whose following numbers count the
 * encapsulated message's parts.
 */
export function findPart(root: MimeNode, path: readonly number[]): MimeNode | undefined {
  let part: MimeNode | undefined = root;
  for (let i = 0; i < path.length && part; i++) {
    const num = path[i]!;
    const more = i + 1 < path.length;
    if (part.contentType.startsWith("multipart/")) {
      part = part.children[num - 1];
    } else if (num !== 1 || (more && !isMessage(part))) {
      part = undefined;
    }
    if (part && more && isMessage(part)) part = part.message!;
  }
  return part;
}

const CRLF = Buffer.from("\r\n");
const EMPTY = Buffer.alloc(0);

/** Whether the header block ends with its blank line (a header-only message has none). */
function hasBlankLine(raw: Buffer, node: MimeNode): boolean {
  const end = node.headerEnd;
  if (end <= node.headerStart) return false;
  if (raw[end - 1] !== 0x0a) return false;
  const lineStart = raw[end - 2] === 0x0d ? end - 2 : end - 1;
  return lineStart === node.headerStart || raw[lineStart - 1] === 0x0a;
}

/**
 * HEADER.FIELDS always ends with the blank line; HEADER.FIELDS.NOT only when the message's
 * header had one (Dovecot adds a missing one only for the former).
 */
function headerFields(raw: Buffer, node: MimeNode, names: string[], exclude: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const chunks: Buffer[] = [];
  for (const f of locateFields(raw, node.headerStart, node.headerEnd)) {
    if (wanted.has(f.key) !== exclude) {
      chunks.push(raw.subarray(f.start, f.end));
      // A last field without its line break still has to end its line.
      if (raw[f.end - 1] !== 0x0a) chunks.push(CRLF);
    }
  }
  if (!exclude || hasBlankLine(raw, node)) chunks.push(CRLF);
  return Buffer.concat(chunks);
}

/**
 * The bytes of `BODY[section]` (before any <partial>). A part that does not exist is empty, as
 * Dovecot answers it (`BODY[9] ""`). BODY[] is the whole message; BODY[n] a part's body (BODY[1]
 * of a single-part message is its body); MIME a part's header; HEADER/TEXT/HEADER.FIELDS the
 * message's, or, after a part number, those of the message encapsulated in that message/rfc822
 * part. HEADER.FIELDS compares names case-insensitively and always ends with the blank line.
 */
export function sectionBytes(raw: Buffer, root: MimeNode, section: SectionSpec): Buffer {
  let part = findPart(root, section.path);
  if (!part) return EMPTY;
  const spec = section.specifier;
  if (spec === undefined) {
    if (section.path.length === 0) return raw;
    return raw.subarray(part.bodyStart, part.bodyEnd);
  }
  if (spec === "MIME") return raw.subarray(part.headerStart, part.headerEnd);
  if (section.path.length > 0) {
    if (!isMessage(part)) return EMPTY;
    part = part.message!;
  }
  switch (spec) {
    case "HEADER":
      return raw.subarray(part.headerStart, part.headerEnd);
    case "TEXT":
      return raw.subarray(part.bodyStart, part.bodyEnd);
    case "HEADER.FIELDS":
      return headerFields(raw, part, section.fields ?? [], false);
    case "HEADER.FIELDS.NOT":
      return headerFields(raw, part, section.fields ?? [], true);
  }
}
