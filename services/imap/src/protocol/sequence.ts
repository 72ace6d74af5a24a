import { lowerBound } from "@sandmail/core";

/**
 * Sequence sets (`1,3:5,7:*`): parsed once, then resolved against a mailbox view, either as
 * sequence numbers or as UIDs. `n:*` always includes the last message, even when n is larger.
 */

export interface SeqRange {
  /** Inclusive bounds; `*` is Infinity until resolved. */
  from: number;
  to: number;
}

export class SequenceSetError extends Error {}

/**
 * `$`, the saved search result (RFC 5182): the session resolves it (commands/targets.ts), since
 * it names messages, not numbers. To the functions below it is an empty set.
 */
export const SEARCH_RESULT: SeqRange[] = Object.freeze([]) as unknown as SeqRange[];

export function parseSequenceSet(text: string): SeqRange[] {
  if (!text) throw new SequenceSetError("Empty sequence set");
  if (text === "$") return SEARCH_RESULT;
  const ranges: SeqRange[] = [];
  for (const part of text.split(",")) {
    const colon = part.indexOf(":");
    const a = parseBound(colon < 0 ? part : part.slice(0, colon));
    const b = colon < 0 ? a : parseBound(part.slice(colon + 1));
    ranges.push({ from: Math.min(a, b), to: Math.max(a, b) });
  }
  return ranges;
}

function parseBound(s: string): number {
  if (s === "*") return Number.POSITIVE_INFINITY;
  if (!/^[1-9][0-9]{0,9}$/.test(s)) throw new SequenceSetError(`Invalid sequence number "${s}"`);
  const n = Number(s);
  if (n > 0xffffffff) throw new SequenceSetError(`Sequence number out of range "${s}"`);
  return n;
}

/** Sequence numbers (1-based, ascending, unique) selected by ranges in a mailbox of `count` messages. */
export function resolveSeqs(ranges: SeqRange[], count: number): number[] {
  if (count === 0) return [];
  const marks = new Uint8Array(count + 1);
  for (const r of ranges) {
    let from = r.from === Number.POSITIVE_INFINITY ? count : r.from;
    let to = r.to === Number.POSITIVE_INFINITY ? count : r.to;
    if (from > to) [from, to] = [to, from];
    to = Math.min(to, count);
    for (let i = from; i <= to; i++) marks[i] = 1;
  }
  const out: number[] = [];
  for (let i = 1; i <= count; i++) if (marks[i]) out.push(i);
  return out;
}

/**
 * Indexes (0-based) of the UIDs (ascending array) selected by ranges. `*` is the largest UID, so
 * `n:*` with n above it still selects the last message.
 */
export function resolveUidIndexes(ranges: SeqRange[], uids: ArrayLike<number>): number[] {
  if (uids.length === 0) return [];
  const max = uids[uids.length - 1]!;
  const marks = new Uint8Array(uids.length);
  for (const r of ranges) {
    let from = r.from === Number.POSITIVE_INFINITY ? max : r.from;
    let to = r.to === Number.POSITIVE_INFINITY ? max : r.to;
    if (from > to) [from, to] = [to, from];
    let i = lowerBound(uids, from, (uid) => uid);
    while (i < uids.length && uids[i]! <= to) marks[i++] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < uids.length; i++) if (marks[i]) out.push(i);
  return out;
}

/** Compact `1:3,5` form of ascending numbers (COPYUID, APPENDUID, SEARCH results stay lists). */
export function formatSet(values: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    parts.push(j === i ? String(values[i]) : `${values[i]}:${values[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
