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
import { TimeSlicer } from "../content/index.js";
import { slicedSort } from "../content/sliced-sort.js";
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
  sorted: SortedEntry[];
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
  async apply(
    changes: ReadonlyMap<LiveContext, LiveChange>,
    seqOf: (uid: number) => number | undefined,
  ): Promise<Value[][]> {
    const out: Value[][] = [];
    for (const [c, change] of changes) {
      if (this.contexts.get(c.tag) !== c) continue;
      const removed = this.remove(
        c,
        change.removed.filter((uid) => c.members.has(uid)),
        seqOf,
      );
      const added = await this.add(
        c,
        change.added.filter((a) => !c.members.has(a.uid)),
        seqOf,
      );
      if (removed.length + added.length > 0) out.push(response(c, [...removed, ...added]));
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
    // Sorted, in one pass: a run of neighbours leaves from one position, the one its first held
    // once the runs before it were gone (the client applies the pairs in order).
    const leaving = new Set(uids);
    const kept: SortedEntry[] = [];
    const pairs = new Pairs();
    for (const e of c.sorted) {
      if (!leaving.has(e.uid)) {
        pairs.break();
        kept.push(e);
        continue;
      }
      const n = c.uid ? e.uid : seqOf(e.uid);
      if (n !== undefined) pairs.add(n, kept.length + 1);
    }
    c.sorted = kept;
    return pairs.response("REMOVEFROM");
  }

  private async add(
    c: LiveContext,
    added: LiveChange["added"],
    seqOf: (uid: number) => number | undefined,
  ): Promise<Value[]> {
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
    // Ties go by mailbox order, as SORT breaks them.
    const compare = (x: SortedEntry, y: SortedEntry) =>
      compareSortValues(criteria, x.values, y.values) || x.uid - y.uid;
    const incoming = await slicedSort(
      added.map((a) => ({ uid: a.uid, values: a.values ?? [] })),
      compare,
      new TimeSlicer(),
    );
    // Merged in one pass; each new message is inserted at its final position, in ascending
    // order, so the positions hold as the client applies the pairs one after another.
    const merged: SortedEntry[] = [];
    const pairs = new Pairs();
    let i = 0;
    for (const e of incoming) {
      while (i < c.sorted.length && compare(c.sorted[i]!, e) < 0) {
        pairs.break();
        merged.push(c.sorted[i++]!);
      }
      merged.push(e);
      const n = c.uid ? e.uid : seqOf(e.uid);
      if (n !== undefined) pairs.add(n, merged.length);
    }
    while (i < c.sorted.length) merged.push(c.sorted[i++]!);
    c.sorted = merged;
    return pairs.response("ADDTO");
  }
}

/**
 * The (position, numbers) pairs of a sorted ADDTO or REMOVEFROM: neighbours in the result share
 * one pair, at the position the first of them takes or leaves.
 */
class Pairs {
  private readonly items: Value[] = [];
  private run: number[] = [];
  private at = 0;

  /** `n` at position `at`, or next in the current run. */
  add(n: number, at: number): void {
    if (this.run.length === 0) this.at = at;
    this.run.push(n);
  }

  /** Something else lies between: the next number starts a new pair. */
  break(): void {
    if (this.run.length > 0) this.items.push(this.at, atom(formatSet(this.run)));
    this.run = [];
  }

  response(name: "ADDTO" | "REMOVEFROM"): Value[] {
    this.break();
    return this.items.length > 0 ? [atom(name), this.items] : [];
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
