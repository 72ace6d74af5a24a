import { ImapSyntaxError } from "./errors.js";

/** One `a:b` range (or a single number, where start === end); 0 stands for `*`. */
export interface SequenceRange {
  start: number;
  end: number;
}

/** A parsed sequence set (`1:3,7,10:*`); `*` is resolved only when matching, against the mailbox. */
export type SequenceSet = SequenceRange[];

/** `*` is kept as 0, which no real sequence number or UID can be. */
const STAR = 0;
const MAX_NUMBER = 0xffffffff;

function parseNumber(text: string, whole: string): number {
  if (text === "*") return STAR;
  if (!/^[1-9][0-9]*$/.test(text)) throw new ImapSyntaxError(`invalid sequence set: ${whole}`);
  const n = Number(text);
  if (n > MAX_NUMBER) throw new ImapSyntaxError(`invalid sequence set: ${whole}`);
  return n;
}

/** Parses RFC 3501 `sequence-set`; throws ImapSyntaxError for anything else. */
export function parseSequenceSet(text: string): SequenceSet {
  if (text.length === 0) throw new ImapSyntaxError("empty sequence set");
  const set: SequenceSet = [];
  for (const item of text.split(",")) {
    const colon = item.indexOf(":");
    if (colon === -1) {
      const n = parseNumber(item, text);
      set.push({ start: n, end: n });
    } else {
      set.push({
        start: parseNumber(item.slice(0, colon), text),
        end: parseNumber(item.slice(colon + 1), text),
      });
    }
  }
  return set;
}

/** True when `text` looks like a sequence set (used by SEARCH to tell a set from a key). */
export function isSequenceSetText(text: string): boolean {
  return /^(?:[0-9]+|\*)(?::(?:[0-9]+|\*))?(?:,(?:[0-9]+|\*)(?::(?:[0-9]+|\*))?)*$/.test(text);
}

/**
 * Whether n is in the set, with `*` standing for max (the largest sequence number or UID in the
 * mailbox). Ranges are unordered (`5:2` is `2:5`), so `n:*` always includes the last message.
 */
export function inSequenceSet(set: SequenceSet, n: number, max: number): boolean {
  for (const range of set) {
    const a = range.start === STAR ? max : range.start;
    const b = range.end === STAR ? max : range.end;
    if (a <= b ? n >= a && n <= b : n >= b && n <= a) return true;
  }
  return false;
}
