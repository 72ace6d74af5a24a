import { parseSequenceSet as parseRanges, type SeqRange, SequenceSetError } from "../protocol/sequence.js";
import { ImapSyntaxError } from "./errors.js";

/**
 * SEARCH's view of sequence sets. The grammar lives in protocol/sequence.ts (one parser for the
 * whole server); SEARCH resolves `*` per message instead of for a whole mailbox at once.
 */
export type SequenceRange = SeqRange;
export type SequenceSet = SeqRange[];

/** Parses RFC 3501 `sequence-set`; throws ImapSyntaxError (BAD) for anything else. */
export function parseSequenceSet(text: string): SequenceSet {
  try {
    return parseRanges(text);
  } catch (err) {
    if (err instanceof SequenceSetError)
      throw new ImapSyntaxError(`invalid sequence set: ${text} (${err.message})`);
    throw err;
  }
}

/**
 * Whether n is in the set, with `*` standing for max (the largest sequence number or UID in the
 * mailbox). `n:*` always includes the last message, even when n is larger than max.
 */
export function inSequenceSet(set: SequenceSet, n: number, max: number): boolean {
  for (const range of set) {
    const a = range.from === Number.POSITIVE_INFINITY ? max : range.from;
    const b = range.to === Number.POSITIVE_INFINITY ? max : range.to;
    if (a <= b ? n >= a && n <= b : n >= b && n <= a) return true;
  }
  return false;
}
