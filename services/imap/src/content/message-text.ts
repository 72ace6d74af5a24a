import type { MimeNode } from "@sandmail/core";
import {
  decodeCharset,
  decodeTransfer,
  decodeWords,
  fieldValue,
  type LocatedField,
  locateFields,
} from "@sandmail/mime";
import { parseAddressList } from "./address.js";
import { fold } from "./fold.js";

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

function headerText(raw: Buffer, node: MimeNode, out: string[]): void {
  const start = node.headerStart;
  const end = node.headerEnd;
  // Fast path: without encoded-words the header reads as written, folds unfolded.
  // Searched within this header only: an unbounded search from every part's header would
  // rescan the rest of the message once per part (quadratic in a message of many parts).
  if (raw.subarray(start, end).indexOf(ENCODED_WORD_START) === -1) {
    out.push(raw.toString("utf8", start, end).replace(/\r?\n[ \t]+/g, " "));
    return;
  }
  for (const f of locateFields(raw, start, end)) {
    out.push(`${f.name}: ${decodeWords(fieldValue(raw, f))}\n`);
  }
}

function collect(raw: Buffer, node: MimeNode, withHeaders: boolean, out: string[], isPart: boolean): void {
  if (withHeaders && isPart) headerText(raw, node, out);
  if (node.contentType.startsWith("multipart/")) {
    for (const child of node.children) collect(raw, child, withHeaders, out, true);
    return;
  }
  if (node.contentType === "message/rfc822" && node.message) {
    if (withHeaders) headerText(raw, node.message, out);
    collect(raw, node.message, withHeaders, out, false);
    return;
  }
  // Like Dovecot, only text parts have searchable bodies: attachments and images are skipped.
  if (!node.contentType.startsWith("text/")) return;
  const body = decodeTransfer(raw.subarray(node.bodyStart, node.bodyEnd), node.encoding);
  out.push(decodeCharset(body, node.params["charset"]), "\n");
}

/** Case-folded decoded bodies (BODY), or headers and bodies (TEXT). */
export function searchableText(root: MimeNode, raw: () => Buffer, withHeaders: boolean): string {
  const entry = entryFor(root);
  const cached = withHeaders ? entry.text : entry.body;
  if (cached !== undefined) return cached;
  const bytes = raw();
  const out: string[] = [];
  if (withHeaders) headerText(bytes, root, out);
  collect(bytes, root, withHeaders, out, false);
  const text = fold(out.join(""));
  if (withHeaders) entry.text = text;
  else entry.body = text;
  return text;
}
