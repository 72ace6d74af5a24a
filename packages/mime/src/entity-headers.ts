import { fieldSpans, unfold } from "./header-block.js";
import { mimeValueDecoded } from "./mime-params.js";

/** The fields of one entity's header that the MIME tree and the message summary are built from. */
export interface EntityHeaders {
  contentType?: string;
  encoding?: string;
  contentId?: string;
  description?: string;
  disposition?: string;
  language?: string;
  location?: string;
  md5?: string;
  subject?: string;
  from?: string;
  to?: string;
  cc?: string;
  date?: string;
  messageId?: string;
}

// Header name (lowercased) -> the EntityHeaders key it fills. Anything else is skipped without
// decoding its value, which keeps indexing cheap for messages with long Received chains.
const wanted: Record<string, keyof EntityHeaders> = {
  "content-type": "contentType",
  "content-transfer-encoding": "encoding",
  "content-id": "contentId",
  "content-description": "description",
  "content-disposition": "disposition",
  "content-language": "language",
  "content-location": "location",
  "content-md5": "md5",
  subject: "subject",
  from: "from",
  to: "to",
  cc: "cc",
  date: "date",
  "message-id": "messageId",
};

/** Reads the wanted fields of the header block [start, end). The first occurrence of a field wins. */
export function readEntityHeaders(raw: Buffer, start: number, end: number): EntityHeaders {
  const out: EntityHeaders = {};
  for (const span of fieldSpans(raw, start, end)) {
    if (span.colon === -1 || span.colon - span.start > 40) continue;
    const name = raw.toString("latin1", span.start, span.colon).trim().toLowerCase();
    const key = Object.hasOwn(wanted, name) ? wanted[name] : undefined;
    if (key === undefined || out[key] !== undefined) continue;
    out[key] = unfold(raw.toString("utf8", span.colon + 1, span.end)).trim();
  }
  return out;
}

export interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

/** `type/subtype; a=b` -> lowercased value and params (names lowercased, RFC 2231 continuations and charsets decoded). */
export function parseStructured(text: string): StructuredValue {
  return parseSimple(text) ?? mimeValueDecoded(text);
}

// `type/subtype; name=value; name="quoted"` without comments, escapes or RFC 2231 parts: the
// common case, parsed here without the general tokenizer (this runs for every part at ingest).
const SIMPLE = /^\s*([^\s;"()*\\]+)\s*((?:;\s*[A-Za-z0-9_.-]+\s*=\s*(?:"[^"\\*]*"|[^\s;"()*\\]+)\s*)*);?\s*$/;
const SIMPLE_PARAM = /;\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"([^"]*)"|([^\s;"]+))/g;

function parseSimple(text: string): StructuredValue | undefined {
  const m = SIMPLE.exec(text);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(SIMPLE_PARAM)) params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? "";
  return { value: m[1]!.toLowerCase(), params };
}
