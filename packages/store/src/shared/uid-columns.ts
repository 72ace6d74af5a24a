/**
 * A mailbox's UID index in columns: typed arrays of UIDs, mod-sequences and flag-set ids, the
 * message ids, and a small table of the distinct flag lists the messages use. It is what IMAP
 * SELECT and FETCH FLAGS need, without one object per message: a 100,000-message mailbox is a
 * few typed arrays, copied with a memcpy (`clone`), handed to an IMAP session that keeps it up
 * to date itself (`push`, `setFlags`, `remove`), and read by position without building rows.
 *
 * The MemoryStore keeps one per mailbox (appended on delivery, updated on flag change and
 * expunge) and clones it for a reader; the RedisStore decodes one from its per-mailbox hash.
 */
import { lowerBound } from "@sandmail/core";

/** One row of the index, for callers that want objects (a few messages, or tests). */
export interface MailboxEntry {
  uid: number;
  messageId: string;
  flags: string[];
  modSeq: number;
}

const byValue = (n: number) => n;

const NO_FLAGS: readonly string[] = Object.freeze([]);

/**
 * The distinct flag lists of a mailbox, each kept once (interned): id 0 is the empty list. Most
 * mailboxes use a handful (none, \Seen, \Seen \Flagged, ...), so a message's flags are one number.
 */
export class FlagSets {
  private readonly lists: Array<readonly string[]> = [NO_FLAGS];
  private readonly ids = new Map<string, number>([["", 0]]);

  /** The id of this list (flags in this order), adding it when new. */
  idOf(flags: readonly string[]): number {
    if (flags.length === 0) return 0;
    // A flag is an atom: never a space, so the joined form is a faithful key.
    const key = flags.length === 1 ? (flags[0] as string) : flags.join(" ");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.lists.length;
      this.lists.push(Object.freeze(flags.slice()));
      this.ids.set(key, id);
    }
    return id;
  }

  get(id: number): readonly string[] {
    return this.lists[id] as readonly string[];
  }

  get size(): number {
    return this.lists.length;
  }

  clone(): FlagSets {
    const copy = new FlagSets();
    for (let id = 1; id < this.lists.length; id++) {
      copy.lists.push(this.lists[id] as readonly string[]);
      copy.ids.set((this.lists[id] as readonly string[]).join(" "), id);
    }
    return copy;
  }
}

const MIN_CAPACITY = 16;

export class UidColumns {
  /** Messages held; the arrays may be longer (room to grow). */
  length = 0;
  /** Ascending. */
  uids: Uint32Array;
  modSeqs: Float64Array;
  flagIds: Uint32Array;
  /**
   * Eight bits a reader may keep per message, moved with it (an IMAP session keeps \Recent and
   * what it has not reported yet here); the store leaves them 0.
   */
  marks: Uint8Array;
  ids: string[];
  readonly flagSets: FlagSets;

  constructor(capacity = MIN_CAPACITY, flagSets = new FlagSets()) {
    const n = Math.max(MIN_CAPACITY, capacity);
    this.uids = new Uint32Array(n);
    this.modSeqs = new Float64Array(n);
    this.flagIds = new Uint32Array(n);
    this.marks = new Uint8Array(n);
    this.ids = [];
    this.flagSets = flagSets;
  }

  uid(i: number): number {
    return this.uids[i] as number;
  }

  id(i: number): string {
    return this.ids[i] as string;
  }

  modSeq(i: number): number {
    return this.modSeqs[i] as number;
  }

  flags(i: number): readonly string[] {
    return this.flagSets.get(this.flagIds[i] as number);
  }

  /** Position of a UID, or -1. */
  indexOf(uid: number): number {
    const i = this.lowerBound(uid);
    return i < this.length && this.uids[i] === uid ? i : -1;
  }

  /** First position whose UID is >= uid. */
  lowerBound(uid: number): number {
    return lowerBound(this.uids, uid, byValue, this.length);
  }

  /** Adds a message (in O(1) when its UID is the highest, as new UIDs always are). */
  push(uid: number, id: string, flags: readonly string[], modSeq: number, mark = 0): void {
    this.pushFlagId(uid, id, this.flagSets.idOf(flags), modSeq, mark);
  }

  /** `push` with the flags already interned in this index's `flagSets`. */
  pushFlagId(uid: number, id: string, flagId: number, modSeq: number, mark = 0): void {
    if (this.length === this.uids.length) this.grow(this.length * 2);
    let i = this.length;
    if (i > 0 && (this.uids[i - 1] as number) >= uid) {
      i = this.lowerBound(uid);
      if (this.uids[i] === uid) throw new Error(`UID ${uid} is already in the index`);
      this.uids.copyWithin(i + 1, i, this.length);
      this.modSeqs.copyWithin(i + 1, i, this.length);
      this.flagIds.copyWithin(i + 1, i, this.length);
      this.marks.copyWithin(i + 1, i, this.length);
      this.ids.splice(i, 0, id);
    } else {
      this.ids.push(id);
    }
    this.uids[i] = uid;
    this.modSeqs[i] = modSeq;
    this.flagIds[i] = flagId;
    this.marks[i] = mark;
    this.length++;
  }

  setFlags(i: number, flags: readonly string[], modSeq: number): void {
    this.flagIds[i] = this.flagSets.idOf(flags);
    this.modSeqs[i] = modSeq;
  }

  /** Removes the messages with these UIDs (absent ones are ignored), keeping the order. */
  removeUids(uids: Iterable<number>): void {
    const drop = new Uint8Array(this.length);
    let any = false;
    for (const uid of uids) {
      const i = this.indexOf(uid);
      if (i >= 0) {
        drop[i] = 1;
        any = true;
      }
    }
    if (any) this.removeWhere((i) => drop[i] === 1);
  }

  /** Removes every position `drop` says, in one pass. */
  removeWhere(drop: (i: number) => boolean): void {
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      if (drop(r)) continue;
      if (w !== r) {
        this.uids[w] = this.uids[r] as number;
        this.modSeqs[w] = this.modSeqs[r] as number;
        this.flagIds[w] = this.flagIds[r] as number;
        this.marks[w] = this.marks[r] as number;
        this.ids[w] = this.ids[r] as string;
      }
      w++;
    }
    this.length = w;
    this.ids.length = w;
  }

  /** An independent copy for one reader: a memcpy per column, no work per message. */
  clone(): UidColumns {
    const n = this.length;
    const copy = new UidColumns(0, this.flagSets.clone());
    copy.length = n;
    // Room to grow: a session appends new mail to its copy without reallocating at once.
    const cap = Math.max(MIN_CAPACITY, n + (n >>> 3));
    copy.uids = new Uint32Array(cap);
    copy.uids.set(this.uids.subarray(0, n));
    copy.modSeqs = new Float64Array(cap);
    copy.modSeqs.set(this.modSeqs.subarray(0, n));
    copy.flagIds = new Uint32Array(cap);
    copy.flagIds.set(this.flagIds.subarray(0, n));
    copy.marks = new Uint8Array(cap);
    copy.ids = this.ids.slice(0, n);
    return copy;
  }

  /** Rows, ascending by UID: one object per message, for callers that want few or need objects. */
  entries(): MailboxEntry[] {
    const out: MailboxEntry[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) {
      out[i] = { uid: this.uid(i), messageId: this.id(i), flags: [...this.flags(i)], modSeq: this.modSeq(i) };
    }
    return out;
  }

  private grow(capacity: number): void {
    const n = Math.max(MIN_CAPACITY, capacity);
    const uids = new Uint32Array(n);
    uids.set(this.uids.subarray(0, this.length));
    const modSeqs = new Float64Array(n);
    modSeqs.set(this.modSeqs.subarray(0, this.length));
    const flagIds = new Uint32Array(n);
    flagIds.set(this.flagIds.subarray(0, this.length));
    const marks = new Uint8Array(n);
    marks.set(this.marks.subarray(0, this.length));
    this.uids = uids;
    this.modSeqs = modSeqs;
    this.flagIds = flagIds;
    this.marks = marks;
  }
}
