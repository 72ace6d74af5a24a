/**
 * Live SEARCH and SORT results (RFC 5267 §4.3, RETURN (UPDATE)): per context the search key and
 * the messages now in its result, in the requested order, and the ADDTO / REMOVEFROM responses
 * that keep a client's copy equal to it. Pure state: which messages changed, and whether they
 * match now, is decided by the caller (commands/live-updates.ts) at the dispatcher's update
 * points.
 *
 * Results are kept by UID; a context opened by SEARCH or SORT (not UID ...) is answered in
 * sequence numbers, read from the tracker when the response is made.
 */
import type { SearchKey } from "../content/index.js";
import type { SortCriterion } from "../content/sort-key.js";
import { compareSortValues } from "../content/sort-key.js";
import { atom, type Value } from "../protocol/ast.js";
import { formatSet } from "../protocol/sequence.js";

export type SortValues = Array<string | number>;

/** One message of a sorted result: its UID and what it sorts by. */
export interface SortedEntry {
  uid: number;
  values: SortValues;
}

export interface LiveContext {
  tag: string;
  /** Opened by UID SEARCH / UID SORT: updates carry UIDs, else sequence numbers. */
  uid: boolean;
  /** The search program, sequence numbers and `$` resolved to UIDs when it was opened. */
  key: SearchKey;
  /** SORT's criteria; undefined for SEARCH (mailbox order, context position 0). */
  criteria?: SortCriterion[];
  /** UIDs now in the result. */
  readonly members: Set<number>;
  /** SORT: the result in sort order. */
  readonly sorted: SortedEntry[];
}

/** What the caller found for one context: UIDs that left its result and that joined it. */
export interface LiveChange {
  removed: number[];
  added: Array<{ uid: number; values?: SortValues }>;
}

/** At most this many live contexts per selected mailbox, of which this many sorted (RFC 5267 §4.3.1). */
export const MAX_CONTEXTS = 8;
export const MAX_SORTED_CONTEXTS = 2;

export class LiveResults {
  private readonly contexts = new Map<string, LiveContext>();
  /** Highest UID the contexts have looked at: announced messages above it are new to them. */
  seenUid = 0;

  get size(): number {
    return this.contexts.size;
  }

  list(): LiveContext[] {
    return [...this.contexts.values()];
  }

  has(tag: string): boolean {
    return this.contexts.has(tag);
  }

  /** Whether one more context (sorted or not) is allowed. */
  canOpen(sorted: boolean): boolean {
    if (this.contexts.size >= MAX_CONTEXTS) return false;
    if (!sorted) return true;
    let n = 0;
    for (const c of this.contexts.values()) if (c.criteria) n++;
    return n < MAX_SORTED_CONTEXTS;
  }

  /** `sorted` in sort order for SORT (values given), else `uids` ascending. */
  open(
    context: Omit<LiveContext, "members" | "sorted">,
    result: { uids: readonly number[]; sorted?: SortedEntry[] },
    seenUid: number,
  ): void {
    const sorted = result.sorted ?? [];
    const members = new Set(result.sorted ? sorted.map((e) => e.uid) : result.uids);
    this.contexts.set(context.tag, { ...context, members, sorted });
    this.seenUid = Math.max(this.seenUid, seenUid);
  }

  /** Ends the named contexts; false (and nothing ended) when one of them is unknown. */
  cancel(tags: readonly string[]): boolean {
    if (!tags.every((t) => this.contexts.has(t))) return false;
    for (const t of tags) this.contexts.delete(t);
    return true;
  }

  /**
   * REMOVEFROM for messages about to be reported expunged, to be written before the EXPUNGE
   * responses (RFC 5267 §4.3.4): `seq` is each one's number while it is still there.
   */
  beforeExpunge(expunged: ReadonlyArray<{ seq: number; uid: number }>): Value[][] {
    if (expunged.length === 0 || this.contexts.size === 0) return [];
    const seqOf = new Map(expunged.map((e) => [e.uid, e.seq]));
    const out: Value[][] = [];
    for (const c of this.contexts.values()) {
      const gone = expunged.map((e) => e.uid).filter((uid) => c.members.has(uid));
      if (gone.length === 0) continue;
      const items = this.remove(c, gone, (uid) => seqOf.get(uid));
      out.push(response(c, items));
    }
    return out;
  }

  /** Applies what the caller found; `seqOf` numbers messages as the client now knows them. */
  apply(
    changes: ReadonlyMap<LiveContext, LiveChange>,
    seqOf: (uid: number) => number | undefined,
  ): Value[][] {
    const out: Value[][] = [];
    for (const [c, change] of changes) {
      if (this.contexts.get(c.tag) !== c) continue;
      const items = [
        ...this.remove(
          c,
          change.removed.filter((uid) => c.members.has(uid)),
          seqOf,
        ),
        ...this.add(
          c,
          change.added.filter((a) => !c.members.has(a.uid)),
          seqOf,
        ),
      ];
      if (items.length > 0) out.push(response(c, items));
    }
    return out;
  }

  private remove(c: LiveContext, uids: number[], seqOf: (uid: number) => number | undefined): Value[] {
    if (uids.length === 0) return [];
    for (const uid of uids) c.members.delete(uid);
    if (!c.criteria) {
      const numbers = numbered(c, uids, seqOf).sort((a, b) => a - b);
      return numbers.length > 0 ? [atom("REMOVEFROM"), [0, atom(formatSet(numbers))]] : [];
    }
    // Sorted: each pair names the position it leaves, in the order the client applies them.
    const pairs: Value[] = [];
    const leaving = new Set(uids);
    for (let i = 0; i < c.sorted.length; ) {
      const uid = c.sorted[i]!.uid;
      if (!leaving.has(uid)) {
        i++;
        continue;
      }
      c.sorted.splice(i, 1);
      const n = c.uid ? uid : seqOf(uid);
      if (n !== undefined) pairs.push(i + 1, n);
    }
    return pairs.length > 0 ? [atom("REMOVEFROM"), pairs] : [];
  }

  private add(
    c: LiveContext,
    added: LiveChange["added"],
    seqOf: (uid: number) => number | undefined,
  ): Value[] {
    if (added.length === 0) return [];
    for (const a of added) c.members.add(a.uid);
    const criteria = c.criteria;
    if (!criteria) {
      const numbers = numbered(
        c,
        added.map((a) => a.uid),
        seqOf,
      ).sort((a, b) => a - b);
      return numbers.length > 0 ? [atom("ADDTO"), [0, atom(formatSet(numbers))]] : [];
    }
    const pairs: Value[] = [];
    for (const a of added.slice().sort((x, y) => x.uid - y.uid)) {
      const entry = { uid: a.uid, values: a.values ?? [] };
      // Ties go by mailbox order, as SORT breaks them.
      const before = (e: SortedEntry) =>
        (compareSortValues(criteria, e.values, entry.values) || e.uid - entry.uid) < 0;
      let lo = 0;
      let hi = c.sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before(c.sorted[mid]!)) lo = mid + 1;
        else hi = mid;
      }
      c.sorted.splice(lo, 0, entry);
      const n = c.uid ? a.uid : seqOf(a.uid);
      if (n !== undefined) pairs.push(lo + 1, n);
    }
    return pairs.length > 0 ? [atom("ADDTO"), pairs] : [];
  }
}

function numbered(c: LiveContext, uids: number[], seqOf: (uid: number) => number | undefined): number[] {
  if (c.uid) return uids.slice();
  const out: number[] = [];
  for (const uid of uids) {
    const seq = seqOf(uid);
    if (seq !== undefined) out.push(seq);
  }
  return out;
}

function response(c: LiveContext, items: Value[]): Value[] {
  return [atom("ESEARCH"), [atom("TAG"), c.tag], ...(c.uid ? [atom("UID")] : []), ...items];
}
