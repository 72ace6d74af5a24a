import type { MimeNode } from "@sandmail/core";
import { parseHeaderFields } from "./headers.js";
import type { SectionSpec } from "./section.js";

const CRLF = Buffer.from("\r\n");

function isMessage(node: MimeNode): boolean {
  return node.contentType === "message/rfc822" && node.message !== undefined;
}

/** Resolves a part path; null when the part does not exist. */
export function findPart(root: MimeNode, path: number[]): MimeNode | null {
  let part: MimeNode | null = root;
  for (let i = 0; i < path.length && part; i++) {
    const num = path[i]!;
    const more = i + 1 < path.length;
    if (part.contentType.startsWith("multipart/")) {
      part = part.children[num - 1] ?? null;
    } else if (num !== 1 || (more && !isMessage(part))) {
      // A single part only has part 1, and nothing below it.
      part = null;
    }
    // Numbers after a message/rfc822 part count the encapsulated message's parts.
    if (part && more && isMessage(part)) part = part.message!;
  }
  return part;
}

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
  for (const f of parseHeaderFields(raw, node.headerStart, node.headerEnd)) {
    if (wanted.has(f.key) !== exclude) {
      chunks.push(raw.subarray(f.start, f.end));
      // A last field without its line break still has to end its line.
      if (raw[f.end - 1] !== 0x0a) chunks.push(CRLF);
    }
  }
  if (!exclude || hasBlankLine(raw, node)) chunks.push(CRLF);
  return Buffer.concat(chunks);
}

const EMPTY = Buffer.alloc(0);

/**
 * The bytes of `BODY[section]` (before any <partial>). A part that does not exist is empty, as
 * Dovecot answers it (`BODY[9] ""`), so null is never returned today.
 * BODY[] is the whole message; BODY[n] a part's body (BODY[1] of a single-part message is its
 * body); MIME a part's header; HEADER/TEXT/HEADER.FIELDS the message's, or, after a part number,
 * those of the message encapsulated in that message/rfc822 part. HEADER.FIELDS compares names
 * case-insensitively and always ends with the blank line.
 */
export function fetchSection(raw: Buffer, root: MimeNode, section: SectionSpec): Buffer | null {
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
