import type { MimeNode } from "@sandmail/core";
import {
  headerValues,
  prepareSearchableText,
  searchableText,
  sentDayOf,
  textCached,
} from "./message-text.js";
import { type SearchKey, someSearchLeaf } from "./search-key.js";
import { inSequenceSet } from "./sequence-set.js";
import type { TimeSlicer } from "./time-slice.js";

/** What SEARCH needs to know about one message of the selected mailbox. */
export interface SearchContext {
  seq: number;
  uid: number;
  flags: readonly string[];
  internalDate: Date;
  size: number;
  modSeq: number;
  /** The stored bytes; called only when a key needs content that is not cached yet. */
  raw: () => Buffer;
  root: MimeNode;
  /** Whether this session sees the message as \Recent. */
  recent: boolean;
  /** Number of messages in the mailbox (`*` in a sequence set). */
  maxSeq: number;
  /** Largest UID in the mailbox (`*` in a UID set). */
  maxUid: number;
  /** UIDs of the saved search result (SEARCHRES `$`). */
  saved?: ReadonlySet<number>;
}

function hasFlag(flags: readonly string[], flag: string): boolean {
  if (flag.startsWith("\\")) {
    const lower = flag.toLowerCase();
    for (const f of flags) if (f.toLowerCase() === lower) return true;
    return false;
  }
  // Keywords compare case-insensitively too: Dovecot treats \Seen and $Label alike.
  const lower = flag.toLowerCase();
  for (const f of flags) if (f.toLowerCase() === lower) return true;
  return false;
}

function compareDay(day: number, op: "before" | "on" | "since", wanted: number): boolean {
  if (op === "before") return day < wanted;
  if (op === "on") return day === wanted;
  return day >= wanted;
}

function matchHeader(msg: SearchContext, field: string, needle: string): boolean {
  const values = headerValues(msg.root, msg.raw, field);
  if (!values) return false;
  // An empty needle asks only whether the field exists.
  if (needle === "") return true;
  for (const v of values) if (v.includes(needle)) return true;
  return false;
}

/** Whether a message matches a compiled SEARCH key. */
export function matchSearch(key: SearchKey, msg: SearchContext): boolean {
  switch (key.type) {
    case "all":
      return true;
    case "and":
      for (const k of key.keys) if (!matchSearch(k, msg)) return false;
      return true;
    case "or":
      return matchSearch(key.left, msg) || matchSearch(key.right, msg);
    case "not":
      return !matchSearch(key.key, msg);
    case "flag":
      return hasFlag(msg.flags, key.flag) === key.set;
    case "recent":
      return msg.recent;
    case "seq":
      return inSequenceSet(key.set, msg.seq, msg.maxSeq);
    case "uid":
      return inSequenceSet(key.set, msg.uid, msg.maxUid);
    case "saved":
      return msg.saved?.has(msg.uid) ?? false;
    case "size":
      return key.op === "larger" ? msg.size > key.size : msg.size < key.size;
    case "modseq":
      return msg.modSeq >= key.min;
    case "date": {
      const day =
        key.field === "internal"
          ? Math.floor(msg.internalDate.getTime() / 86_400_000)
          : sentDayOf(msg.root, msg.raw);
      return compareDay(day, key.op, key.day);
    }
    case "header":
      return matchHeader(msg, key.field, key.needle);
    case "body":
      return key.needle === "" || searchableText(msg.root, msg.raw, false).includes(key.needle);
    case "text":
      return key.needle === "" || searchableText(msg.root, msg.raw, true).includes(key.needle);
  }
}

/**
 * Whether matching `key` against the message with this MIME root would read its bytes: false
 * when the key needs no content or everything it needs is cached. Lets SEARCH fetch the bytes of
 * only the messages it has not seen before.
 */
export function needsRawFor(key: SearchKey, root: MimeNode): boolean {
  return someSearchLeaf(key, (leaf) => {
    switch (leaf.type) {
      case "header":
        return !textCached(root, "headers");
      case "date":
        return leaf.field === "sent" && !textCached(root, "headers");
      case "body":
        return leaf.needle !== "" && !textCached(root, "body");
      case "text":
        return leaf.needle !== "" && !textCached(root, "text");
      default:
        return false;
    }
  });
}

/**
 * Decodes, ahead of matchSearch, the texts `key` searches in this message, pausing as the slicer
 * asks: matchSearch itself is synchronous and would otherwise decode a large message in one go.
 */
export async function prepareSearch(
  key: SearchKey,
  root: MimeNode,
  raw: () => Buffer,
  slicer: TimeSlicer,
): Promise<void> {
  // Only the decoded texts (BODY, TEXT) the key searches.
  if (someSearchLeaf(key, (leaf) => leaf.type === "body" && leaf.needle !== ""))
    await prepareSearchableText(root, raw, false, slicer);
  if (someSearchLeaf(key, (leaf) => leaf.type === "text" && leaf.needle !== ""))
    await prepareSearchableText(root, raw, true, slicer);
}
