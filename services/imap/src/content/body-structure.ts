import type { MimeNode } from "@sandmail/core";
import { fieldValue, type LocatedField, locateFields, type MimeValue, parseMimeValue } from "@sandmail/mime";
import type { Value } from "../protocol/ast.js";
import { envelope } from "./envelope.js";

const LF = 0x0a;

/** Lines as IMAP counts them: the number of line feeds in the part's body. */
function countLines(raw: Buffer, start: number, end: number): number {
  let n = 0;
  let pos = raw.indexOf(LF, start);
  while (pos !== -1 && pos < end) {
    n++;
    pos = raw.indexOf(LF, pos + 1);
  }
  return n;
}

interface PartHeaders {
  contentType?: MimeValue;
  disposition?: MimeValue;
  encoding?: string;
  id?: string;
  description?: string;
  md5?: string;
  language?: string;
  location?: string;
}

function readHeaders(raw: Buffer, node: MimeNode): PartHeaders {
  const out: PartHeaders = {};
  const fields = locateFields(raw, node.headerStart, node.headerEnd);
  const seen = new Set<string>();
  const value = (f: LocatedField) => fieldValue(raw, f).trim();
  for (const f of fields) {
    if (!f.key.startsWith("content-") || seen.has(f.key)) continue;
    seen.add(f.key);
    switch (f.key) {
      case "content-type":
        out.contentType = parseMimeValue(value(f));
        break;
      case "content-disposition":
        out.disposition = parseMimeValue(value(f));
        break;
      case "content-transfer-encoding":
        out.encoding = value(f);
        break;
      case "content-id":
        out.id = value(f);
        break;
      case "content-description":
        out.description = value(f);
        break;
      case "content-md5":
        out.md5 = value(f);
        break;
      case "content-language":
        out.language = value(f);
        break;
      case "content-location":
        out.location = value(f);
        break;
    }
  }
  return out;
}

function paramList(params: Array<[string, string]>, defaultCharset: boolean): Value {
  const out: Value[] = [];
  for (const [k, v] of params) out.push(k, v);
  if (defaultCharset && !params.some(([k]) => k.toLowerCase() === "charset")) out.push("charset", "us-ascii");
  return out.length === 0 ? null : out;
}

/** A Content-Type the header states usably: `type/subtype`, or a bare type (Dovecot: subtype ""). */
function writtenType(node: MimeNode, headers: PartHeaders): [string, string] | undefined {
  const written = headers.contentType?.value;
  if (!written) return undefined;
  if (written.toLowerCase() === node.contentType) {
    const slash = written.indexOf("/");
    return [written.slice(0, slash), written.slice(slash + 1)];
  }
  if (/^[A-Za-z0-9!#$%&'*+.^_`{|}~-]+$/.test(written)) return [written, ""];
  return undefined;
}

/** type and subtype as the message wrote them, else the index's (defaults, digest parts...). */
function typePair(node: MimeNode, headers: PartHeaders): [string, string] {
  const written = writtenType(node, headers);
  if (written) return written;
  const [type = "text", subtype = "plain"] = node.contentType.split("/");
  return [type, subtype];
}

function contentParams(node: MimeNode, headers: PartHeaders): Array<[string, string]> {
  if (headers.contentType && writtenType(node, headers)) return headers.contentType.params;
  // The header was missing or unusable, and the index chose a default type: use its parameters.
  return Object.entries(node.params);
}

function disposition(headers: PartHeaders): Value {
  const d = headers.disposition;
  if (!d || d.value === "") return null;
  return [d.value, paramList(d.params, false)];
}

function language(headers: PartHeaders): Value {
  if (headers.language === undefined) return null;
  const tags = headers.language
    .replace(/\([^)]*\)/g, "")
    .split(/[\s,]+/)
    .filter((t) => t !== "");
  return tags.length === 0 ? null : tags;
}

function extension(headers: PartHeaders, first: Value): Value[] {
  return [first, disposition(headers), language(headers), headers.location ?? null];
}

function structure(raw: Buffer, node: MimeNode, extended: boolean): Value {
  const headers = readHeaders(raw, node);
  const [type, subtype] = typePair(node, headers);
  if (node.contentType.startsWith("multipart/")) {
    const parts: Value[] = node.children.map((child) => structure(raw, child, extended));
    if (parts.length === 0) {
      // A multipart without any boundary line still has to show one part, or clients choke.
      const empty: Value[] = ["text", "plain", ["charset", "us-ascii"], null, null, "7bit", 0, 0];
      if (extended) empty.push(null, null, null, null);
      parts.push(empty);
    }
    parts.push(subtype);
    if (extended) parts.push(...extension(headers, paramList(contentParams(node, headers), false)));
    return parts;
  }
  const isText = node.contentType.startsWith("text/");
  const size = node.bodyEnd - node.bodyStart;
  const out: Value[] = [
    type,
    subtype,
    paramList(contentParams(node, headers), type.toLowerCase() === "text"),
    headers.id ?? null,
    headers.description ?? null,
    headers.encoding ?? "7bit",
    size,
  ];
  if (node.contentType === "message/rfc822" && node.message) {
    out.push(envelope(raw, node.message), structure(raw, node.message, extended));
    out.push(countLines(raw, node.bodyStart, node.bodyEnd));
  } else if (isText) {
    out.push(countLines(raw, node.bodyStart, node.bodyEnd));
  }
  if (extended) out.push(...extension(headers, headers.md5 ?? null));
  return out;
}

/**
 * BODY (extended = false) or BODYSTRUCTURE (extended = true) of a message, RFC 3501 §7.4.2.
 * Sizes are the exact byte counts of the stored parts (what BODY[n] returns), lines count line
 * feeds, strings are as written in the headers.
 */
export function bodyStructure(raw: Buffer, root: MimeNode, extended: boolean): Value {
  return structure(raw, root, extended);
}
