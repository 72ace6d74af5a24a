import type { MimeNode } from "@sandmail/core";
import { decodeTextPieces, decodeWords, fieldValue, type LocatedField, locateFields } from "@sandmail/mime";
import { parseAddressList } from "./address.js";
import { fold } from "./fold.js";
import type { TimeSlicer } from "./time-slice.js";

/**
 * What SEARCH compares against, derived once per message and kept while the message's MIME
 * tree object is alive (WeakMap: a store that drops a message drops its cache entry too, and
 * the raw bytes are only fetched on a miss). Everything is case-folded and decoded.
 */
export interface MessageText {
  /** Top-level header fields by lowercased name, located in `bytes`; built on first use. */
  fields?: Map<string, LocatedField[]>;
  bytes?: Buffer;
  /** Decoded, case-folded values, per field name as searches ask for them. */
  decoded?: Map<string, string[]>;
  /** Day number of the Date header as written (its own time zone), 0 when missing or invalid. */
  sentDay?: number;
  /** Decoded bodies of every part (BODY), built on first use. */
  body?: string;
  /** Every header block plus the bodies (TEXT), built on first use. */
  text?: string;
}

const cache = new WeakMap<MimeNode, MessageText>();

const ADDRESS_FIELDS = new Set(["from", "to", "cc", "bcc", "sender", "reply-to"]);

/** Address fields are compared in their parsed form, so quoting and spacing do not matter. */
function addressText(value: string): string {
  const parts: string[] = [];
  let inGroup = false;
  for (const a of parseAddressList(value)) {
    if (a.host === null) {
      if (a.mailbox !== null) {
        parts.push(`${a.mailbox}: `);
        inGroup = true;
      } else if (inGroup) {
        parts.push(";");
        inGroup = false;
      }
      continue;
    }
    const addr = `${a.mailbox}@${a.host}`;
    parts.push(a.name ? `${decodeWords(a.name)} <${addr}>` : addr);
  }
  return parts.join(", ");
}

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** The calendar day a Date header names, in its own time zone (SENT* ignore time and zone). */
export function sentDay(value: string | undefined): number {
  if (!value) return 0;
  const m = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(value);
  if (!m) return 0;
  const month = MONTHS[m[2]!.toLowerCase()];
  if (month === undefined) return 0;
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3]!.length === 3) year += 1900;
  return Date.UTC(year, month, Number(m[1])) / 86_400_000;
}

function entryFor(root: MimeNode): MessageText {
  let entry = cache.get(root);
  if (!entry) {
    entry = {};
    cache.set(root, entry);
  }
  return entry;
}

/** Unfolded, still encoded values of one top-level field; fields are located once per message. */
function rawValues(entry: MessageText, root: MimeNode, raw: () => Buffer, key: string): string[] | undefined {
  if (!entry.fields) {
    const bytes = raw();
    const fields = new Map<string, LocatedField[]>();
    for (const f of locateFields(bytes, root.headerStart, root.headerEnd)) {
      const list = fields.get(f.key);
      if (list) list.push(f);
      else fields.set(f.key, [f]);
    }
    entry.fields = fields;
    entry.bytes = bytes;
  }
  const bytes = entry.bytes!;
  return entry.fields.get(key)?.map((f) => fieldValue(bytes, f));
}

/**
 * Decoded, case-folded values of one top-level header field (lowercased name), or undefined
 * when the message has no such field. Only the fields searches ask for are decoded.
 */
export function headerValues(root: MimeNode, raw: () => Buffer, key: string): string[] | undefined {
  const entry = entryFor(root);
  entry.decoded ??= new Map();
  const cached = entry.decoded.get(key);
  if (cached) return cached;
  const values = rawValues(entry, root, raw, key);
  if (!values) return undefined;
  const decoded = values.map((v) => fold(ADDRESS_FIELDS.has(key) ? addressText(v) : decodeWords(v)));
  entry.decoded.set(key, decoded);
  return decoded;
}

/**
 * The first occurrence of a top-level field (lowercased name), unfolded and still encoded, or
 * undefined when there is none: SORT and THREAD read the first one, as Dovecot does.
 */
export function firstHeaderValue(root: MimeNode, raw: () => Buffer, key: string): string | undefined {
  return rawValues(entryFor(root), root, raw, key)?.[0];
}

/**
 * Whether what a search of this kind needs is already cached for the message, so the caller can
 * skip reading its bytes: header fields are located once (and their bytes kept), bodies and text
 * are decoded once.
 */
export function textCached(root: MimeNode, need: "headers" | "body" | "text"): boolean {
  const entry = cache.get(root);
  if (!entry) return false;
  if (need === "headers") return entry.fields !== undefined;
  return (need === "body" ? entry.body : entry.text) !== undefined;
}

/** The Date header's day (see MessageText.sentDay). */
export function sentDayOf(root: MimeNode, raw: () => Buffer): number {
  const entry = entryFor(root);
  entry.sentDay ??= sentDay(rawValues(entry, root, raw, "date")?.[0]);
  return entry.sentDay;
}

const ENCODED_WORD_START = Buffer.from("=?");

function headerText(raw: Buffer, node: MimeNode): string {
  const start = node.headerStart;
  const end = node.headerEnd;
  // Fast path: without encoded-words the header reads as written, folds unfolded. Searched
  // within this header only: an unbounded search from every part's header would rescan the rest
  // of the message once per part (quadratic in a message of many parts).
  if (raw.subarray(start, end).indexOf(ENCODED_WORD_START) === -1) {
    return raw.toString("utf8", start, end).replace(/\r?\n[ \t]+/g, " ");
  }
  let out = "";
  for (const f of locateFields(raw, start, end)) out += `${f.name}: ${decodeWords(fieldValue(raw, f))}\n`;
  return out;
}

/**
 * The searchable pieces in order: decoded text bodies (BODY), with every header block (TEXT).
 * Walked with an explicit stack, one piece at a time; `null` marks a step of work within a large
 * body, where a caller may pause too.
 */
function* pieces(raw: Buffer, root: MimeNode, withHeaders: boolean): Generator<string | null> {
  if (withHeaders) yield headerText(raw, root);
  const stack: Array<{ node: MimeNode; isPart: boolean }> = [{ node: root, isPart: false }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { node, isPart } = item;
    if (withHeaders && isPart) yield headerText(raw, node);
    if (node.contentType.startsWith("multipart/")) {
      for (let i = node.children.length - 1; i >= 0; i--)
        stack.push({ node: node.children[i]!, isPart: true });
      continue;
    }
    if (node.contentType === "message/rfc822" && node.message) {
      if (withHeaders) yield headerText(raw, node.message);
      stack.push({ node: node.message, isPart: false });
      continue;
    }
    // Like Dovecot, only text parts have searchable bodies: attachments and images are skipped.
    if (!node.contentType.startsWith("text/")) continue;
    const body = raw.subarray(node.bodyStart, node.bodyEnd);
    yield* decodeTextPieces(body, node.encoding, node.params["charset"]);
    yield "\n";
  }
}

/** Pieces are folded in slices of about this many characters, so no single step is large. */
const FOLD_SLICE = 1 << 16;

/**
 * Folded slices of every piece. A long piece is cut just before ASCII whitespace: folding (NFKD,
 * then lowercase, whose final-sigma rule looks at the next character) gives the same result on
 * the parts as on the whole there.
 */
function* foldedSlices(raw: Buffer, root: MimeNode, withHeaders: boolean): Generator<string | null> {
  for (const piece of pieces(raw, root, withHeaders)) {
    if (piece === null) {
      yield null;
      continue;
    }
    let start = 0;
    while (piece.length - start > FOLD_SLICE) {
      const end = sliceEnd(piece, start);
      yield fold(piece.slice(start, end));
      start = end;
    }
    yield fold(start === 0 ? piece : piece.slice(start));
  }
}

/** Text without whitespace for this long is cut anywhere (folding may then differ at the cut). */
const WHITESPACE_LOOKBACK = 256;

function sliceEnd(text: string, start: number): number {
  const target = start + FOLD_SLICE;
  for (let cut = target; cut > target - WHITESPACE_LOOKBACK; cut--) {
    const c = text.charCodeAt(cut);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) return cut;
  }
  return target;
}

function store(root: MimeNode, withHeaders: boolean, text: string): string {
  const entry = entryFor(root);
  if (withHeaders) entry.text = text;
  else entry.body = text;
  return text;
}

/** Case-folded decoded bodies (BODY), or headers and bodies (TEXT). */
export function searchableText(root: MimeNode, raw: () => Buffer, withHeaders: boolean): string {
  const entry = entryFor(root);
  const cached = withHeaders ? entry.text : entry.body;
  if (cached !== undefined) return cached;
  const out: string[] = [];
  for (const slice of foldedSlices(raw(), root, withHeaders)) if (slice !== null) out.push(slice);
  return store(root, withHeaders, out.join(""));
}

/**
 * Builds what searchableText returns ahead of a synchronous match, pausing whenever the slicer's
 * time is up: a message of 100,000 parts or 25 MB of text never holds the event loop for long.
 */
export async function prepareSearchableText(
  root: MimeNode,
  raw: () => Buffer,
  withHeaders: boolean,
  slicer: TimeSlicer,
): Promise<void> {
  if (textCached(root, withHeaders ? "text" : "body")) return;
  const out: string[] = [];
  for (const slice of foldedSlices(raw(), root, withHeaders)) {
    if (slice !== null) out.push(slice);
    if (slicer.due()) await slicer.pause();
  }
  store(root, withHeaders, out.join(""));
}
