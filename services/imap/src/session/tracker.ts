/**
 * The selected mailbox as one connection sees it: its sequence-number -> UID map, and the
 * changes made elsewhere that it has not been told about yet.
 *
 * Store events are only queued here. The dispatcher alone calls `flush`, at the points RFC 3501
 * §7.4.1 allows (see update-points.ts), and states whether EXPUNGE may be sent then; sequence
 * numbers change only through the updates `flush` returns, so the client's view and this map
 * never disagree. Commands cannot write EXPUNGE themselves: they note their own expunges here and
 * the dispatcher reports them.
 *
 * Every change is idempotent (adds above the highest UID seen, flags only with a higher modSeq,
 * expunges of what is still there), so the same change may arrive twice: as a store event and
 * from `reconcile`, which re-reads the index when an event may still be in flight from another
 * process.
 */
import type { StoreEvent } from "@sandmail/core";
import type { UidColumns } from "@sandmail/store";
import type { TimeSlicer } from "../content/time-slice.js";

/** One message of the view, read at the moment `at` or `byUid` was called. */
export interface TrackedMessage {
  readonly uid: number;
  readonly messageId: string;
  readonly flags: readonly string[];
  readonly modSeq: number;
  readonly recent: boolean;
  /** Expunged in the store, not yet reported to the client. */
  readonly gone: boolean;
}

export type TrackerUpdate =
  | { type: "expunge"; seq: number; uid: number }
  | { type: "exists"; count: number }
  | { type: "recent"; count: number }
  | { type: "fetch"; seq: number; uid: number; flags: readonly string[]; modSeq: number; recent: boolean };

/** A change to this mailbox, as the tracker applies it. */
type Change =
  | { kind: "add"; uid: number; messageId: string; flags: readonly string[]; modSeq: number }
  | { kind: "flags"; uid: number; flags: readonly string[]; modSeq: number }
  | { kind: "gone"; uid: number; modSeq: number };

/** Per-message bits kept in the index's `marks` column. */
const RECENT = 1;
/** Expunged in the store, not yet reported to the client. */
const GONE = 2;
/** Flags changed elsewhere, not yet reported. */
const CHANGED = 4;

/** What the next flush will apply: the first `count` queued changes, adding UIDs up to `maxUid`. */
export interface FlushPlan {
  count: number;
  /** Highest UID the planned changes add (0 when they add none): the \Recent claim's limit. */
  maxUid: number;
}

export class MailboxTracker {
  /**
   * Position i is sequence number i+1; positions past `reported` are not yet announced. The
   * store's copy of the index, taken over as it is: no object per message.
   */
  private readonly view: UidColumns;
  private reported: number;
  private pending: Change[] = [];
  /** How many messages of the view carry GONE / CHANGED (flush skips its scans at 0). */
  private goneCount = 0;
  private changedCount = 0;
  /** Lowest modSeq of the expunges applied but not yet reported (Infinity: none known). */
  private heldFloor = Number.POSITIVE_INFINITY;
  /** Highest UID applied to the view. */
  private maxUid: number;
  /** Highest UID / modSeq this session has heard of (applied or queued). */
  private heardUid: number;
  private heardModSeq: number;
  /**
   * UIDs whose flags this session changed itself since the last `takeTouched` (their FETCH went
   * out with the command, so no update reports them); kept only while someone watches (live
   * SEARCH/SORT results, RFC 5267), so it cannot grow unread.
   */
  private touched: Set<number> | undefined;
  /** Set when the mailbox itself disappeared; the connection must end the session. */
  removed = false;
  /** HIGHESTMODSEQ of the state the index showed (what SELECT reports). */
  readonly selectedModSeq: number;

  constructor(
    readonly mailboxId: string,
    index: UidColumns,
    /** UIDs above this were claimed as \Recent by this session. */
    recentAbove: number,
    /** The mailbox as read before its index: changes up to these are in `index`. */
    known: { uidNext: number; highestModSeq: number } = { uidNext: 0, highestModSeq: 0 },
  ) {
    this.view = index;
    const n = index.length;
    const { uids, marks, modSeqs } = index;
    let top = known.highestModSeq;
    for (let i = 0; i < n; i++) {
      marks[i] = (uids[i] as number) > recentAbove ? RECENT : 0;
      if ((modSeqs[i] as number) > top) top = modSeqs[i] as number;
    }
    this.reported = n;
    this.maxUid = n > 0 ? index.uid(n - 1) : 0;
    this.heardUid = Math.max(this.maxUid, known.uidNext - 1);
    this.heardModSeq = top;
    this.selectedModSeq = top;
  }

  /** Messages the client knows of (its EXISTS count). */
  get count(): number {
    return this.reported;
  }

  get recentCount(): number {
    const marks = this.view.marks;
    let n = 0;
    for (let i = 0; i < this.reported; i++) if ((marks[i] as number) & RECENT) n++;
    return n;
  }

  /**
   * The client's view by position (index = seq - 1, the first `count` positions), for readers
   * that go over many messages (SELECT, FETCH FLAGS) without an object per message. Read only.
   */
  get columns(): UidColumns {
    return this.view;
  }

  isRecent(i: number): boolean {
    return ((this.view.marks[i] as number) & RECENT) !== 0;
  }

  isGone(i: number): boolean {
    return ((this.view.marks[i] as number) & GONE) !== 0;
  }

  /** The message at a sequence number the client knows. */
  at(seq: number): TrackedMessage | undefined {
    return seq >= 1 && seq <= this.reported ? this.message(seq - 1) : undefined;
  }

  /** The message with this UID, if the view holds it (announced or not). */
  byUid(uid: number): TrackedMessage | undefined {
    const i = this.view.indexOf(uid);
    return i < 0 ? undefined : this.message(i);
  }

  /** UIDs of the client's view, ascending (index = seq - 1). */
  uids(): Uint32Array {
    return this.view.uids.subarray(0, this.reported);
  }

  seqOfUid(uid: number): number | undefined {
    const i = this.view.indexOf(uid);
    return i >= 0 && i < this.reported ? i + 1 : undefined;
  }

  /** The UIDNEXT floor implied by what this session has seen. */
  get highestUid(): number {
    return this.maxUid;
  }

  /**
   * When expunges made elsewhere are held back (a FETCH, STORE or SEARCH by number), the lowest
   * of their modSeqs; undefined when none is held. RFC 7162 §3.2: a client that saw higher MODSEQs
   * meanwhile must be told a HIGHESTMODSEQ below this, or a resync from there would miss them.
   */
  get heldExpungeModSeq(): number | undefined {
    return this.goneCount > 0 && Number.isFinite(this.heldFloor) ? this.heldFloor : undefined;
  }

  /** The highest modSeq this session has heard of: its HIGHESTMODSEQ. */
  get highestModSeq(): number {
    return this.heardModSeq;
  }

  /**
   * Whether the store's mailbox (read just now) has changes this session has not heard of yet,
   * e.g. because their events are still on their way from another process.
   */
  isBehind(uidNext: number, highestModSeq: number): boolean {
    return uidNext - 1 > this.heardUid || highestModSeq > this.heardModSeq;
  }

  /** Queues a store event of this run; events of other mailboxes are ignored. */
  queue(event: StoreEvent): void {
    switch (event.type) {
      case "message.added":
        if (event.mailboxId === this.mailboxId) this.pushArrival(event);
        return;
      case "message.flags":
        if (event.mailboxId !== this.mailboxId) return;
        this.push({ kind: "flags", uid: event.uid, flags: event.flags, modSeq: event.modSeq });
        return;
      case "message.expunged":
        if (event.mailboxId !== this.mailboxId) return;
        this.push({ kind: "gone", uid: event.uid, modSeq: event.modSeq });
        return;
      case "message.moved":
        if (event.fromMailboxId === this.mailboxId)
          this.push({ kind: "gone", uid: event.fromUid, modSeq: event.modSeq });
        if (event.mailboxId === this.mailboxId) this.pushArrival(event);
        return;
      case "mailbox.deleted":
        if (event.mailboxId === this.mailboxId) this.removed = true;
        return;
      case "run.deleted":
        this.removed = true;
        return;
      default:
        return;
    }
  }

  /**
   * Queues what a fresh read of the mailbox shows and this session has not applied: messages
   * added, flags changed and messages expunged. `uidNextBefore` is the mailbox's UIDNEXT read
   * before `index`: a UID below it that the index lacks is gone for sure, while one above it
   * may simply be newer than the index.
   */
  reconcile(index: UidColumns, uidNextBefore: number, highestModSeq: number): void {
    const view = this.view;
    // An expunge found here was not heard of: its modSeq is above everything heard so far.
    const goneAbove = this.heardModSeq;
    for (let k = 0; k < index.length; k++) {
      const uid = index.uid(k);
      const i = view.indexOf(uid);
      if (i < 0) {
        if (uid > this.maxUid)
          this.push({
            kind: "add",
            uid,
            messageId: index.id(k),
            flags: index.flags(k),
            modSeq: index.modSeq(k),
          });
      } else if (index.modSeq(k) > view.modSeq(i)) {
        this.push({ kind: "flags", uid, flags: index.flags(k), modSeq: index.modSeq(k) });
      }
    }
    for (let i = 0; i < view.length; i++) {
      const uid = view.uid(i);
      if (!this.isGone(i) && uid < uidNextBefore && index.indexOf(uid) < 0)
        this.push({ kind: "gone", uid, modSeq: goneAbove + 1 });
    }
    if (highestModSeq > this.heardModSeq) this.heardModSeq = highestModSeq;
    if (uidNextBefore - 1 > this.heardUid) this.heardUid = uidNextBefore - 1;
  }

  hasPending(): boolean {
    return this.pending.length > 0 || this.goneCount > 0 || this.view.length > this.reported;
  }

  /** True when queued events add messages (the caller then claims \Recent before flushing). */
  hasPendingAdds(): boolean {
    return this.pending.some((c) => c.kind === "add" && c.uid > this.maxUid);
  }

  /**
   * Freezes what the next flush applies: changes queued after this call wait for a later flush,
   * so the \Recent claim made for `maxUid` covers every message the flush adds.
   */
  plan(): FlushPlan {
    let maxUid = 0;
    for (const c of this.pending)
      if (c.kind === "add" && c.uid > this.maxUid && c.uid > maxUid) maxUid = c.uid;
    return { count: this.pending.length, maxUid };
  }

  /** Starts or stops recording this session's own flag changes for `takeTouched`. */
  watchTouched(on: boolean): void {
    this.touched = on ? (this.touched ?? new Set()) : undefined;
  }

  /** This session's own flag changes since the last call, then forgotten. */
  takeTouched(): number[] {
    if (!this.touched || this.touched.size === 0) return [];
    const out = [...this.touched];
    this.touched.clear();
    return out;
  }

  /** This session's own STORE: its FETCH responses carry these flags, so the event is no news. */
  noteFlags(uid: number, flags: readonly string[], modSeq: number): void {
    if (modSeq > this.heardModSeq) this.heardModSeq = modSeq;
    this.touched?.add(uid);
    const i = this.view.indexOf(uid);
    if (i < 0) return;
    if (modSeq >= this.view.modSeq(i)) {
      this.view.setFlags(i, flags, modSeq);
      this.unmark(i, CHANGED);
    }
  }

  /** This session's own EXPUNGE / MOVE: reported by the next flush that allows EXPUNGE. */
  noteExpunged(uids: Iterable<number>): void {
    for (const uid of uids) {
      const i = this.view.indexOf(uid);
      if (i >= 0) this.mark(i, GONE);
    }
  }

  /**
   * Applies queued changes and returns the untagged responses announcing them, in order.
   * `allowExpunge` false keeps expunged messages in the view (their sequence numbers stay
   * valid) until a later flush that allows it. `recentAbove`: the \Recent claim for new UIDs.
   * `plan` (from `plan()`) limits the flush to the changes queued when the claim was made.
   */
  flush(allowExpunge: boolean, recentAbove = Number.POSITIVE_INFINITY, plan?: FlushPlan): TrackerUpdate[] {
    for (const c of this.take(plan)) this.apply(c, recentAbove);
    return this.collect(allowExpunge);
  }

  /**
   * `flush`, pausing between changes when the slicer's time is up: 20,000 queued flag changes
   * (two STORE 1:* elsewhere) must not hold the event loop. The caller must not touch the
   * tracker until this settles; changes queued meanwhile wait for the next flush, as with `plan`.
   */
  async flushSliced(
    allowExpunge: boolean,
    recentAbove: number,
    plan: FlushPlan | undefined,
    slicer: TimeSlicer,
  ): Promise<TrackerUpdate[]> {
    for (const c of this.take(plan)) {
      this.apply(c, recentAbove);
      if (slicer.due()) await slicer.pause();
    }
    return this.collect(allowExpunge);
  }

  /** Removes and returns the changes the flush applies: those `plan` counted, or all. */
  private take(plan: FlushPlan | undefined): Change[] {
    const count = plan ? Math.min(plan.count, this.pending.length) : this.pending.length;
    const changes = this.pending.slice(0, count);
    this.pending = this.pending.slice(count);
    return changes;
  }

  /** The updates that announce the applied changes, marking them reported. */
  private collect(allowExpunge: boolean): TrackerUpdate[] {
    const view = this.view;
    const marks = view.marks;
    const updates: TrackerUpdate[] = [];
    if (allowExpunge && this.goneCount > 0) {
      // Descending order keeps every reported number valid at the moment it is sent.
      for (let i = view.length - 1; i >= 0; i--) {
        if (!((marks[i] as number) & GONE)) continue;
        if (i < this.reported) {
          this.reported--;
          updates.push({ type: "expunge", seq: i + 1, uid: view.uid(i) });
        }
      }
      // One compaction pass, however many went.
      for (let i = 0; i < view.length; i++)
        if ((marks[i] as number) & GONE && (marks[i] as number) & CHANGED) this.changedCount--;
      view.removeWhere((i) => ((marks[i] as number) & GONE) !== 0);
      this.goneCount = 0;
      this.heldFloor = Number.POSITIVE_INFINITY;
    }
    if (this.changedCount > 0) {
      for (let i = 0; i < this.reported; i++) {
        const m = marks[i] as number;
        if (m & CHANGED && !(m & GONE)) {
          this.unmark(i, CHANGED);
          updates.push({
            type: "fetch",
            seq: i + 1,
            uid: view.uid(i),
            flags: view.flags(i),
            modSeq: view.modSeq(i),
            recent: (m & RECENT) !== 0,
          });
        }
      }
    }
    if (view.length > this.reported) {
      for (let i = this.reported; i < view.length; i++) this.unmark(i, CHANGED);
      this.reported = view.length;
      updates.push({ type: "exists", count: this.reported });
      updates.push({ type: "recent", count: this.recentCount });
    }
    return updates;
  }

  private message(i: number): TrackedMessage {
    const v = this.view;
    const m = v.marks[i] as number;
    return {
      uid: v.uid(i),
      messageId: v.id(i),
      flags: v.flags(i),
      modSeq: v.modSeq(i),
      recent: (m & RECENT) !== 0,
      gone: (m & GONE) !== 0,
    };
  }

  private mark(i: number, bit: number): void {
    const m = this.view.marks[i] as number;
    if (m & bit) return;
    this.view.marks[i] = m | bit;
    if (bit === GONE) this.goneCount++;
    else if (bit === CHANGED) this.changedCount++;
  }

  private unmark(i: number, bit: number): void {
    const m = this.view.marks[i] as number;
    if (!(m & bit)) return;
    this.view.marks[i] = m & ~bit;
    if (bit === GONE) this.goneCount--;
    else if (bit === CHANGED) this.changedCount--;
  }

  /** Queues the message an add or a move (its destination side) brought into this mailbox. */
  private pushArrival(event: Extract<StoreEvent, { type: "message.added" | "message.moved" }>): void {
    const { uid, messageId, flags, modSeq } = event;
    this.push({ kind: "add", uid, messageId, flags, modSeq });
  }

  private push(change: Change): void {
    if (change.modSeq > this.heardModSeq) this.heardModSeq = change.modSeq;
    if (change.kind === "add" && change.uid > this.heardUid) this.heardUid = change.uid;
    this.pending.push(change);
  }

  private apply(c: Change, recentAbove: number): void {
    const view = this.view;
    if (c.kind === "add") {
      // UIDs only grow: one at or below the highest seen is already known (or already gone).
      if (c.uid <= this.maxUid) return;
      this.maxUid = c.uid;
      view.push(c.uid, c.messageId, c.flags, c.modSeq, c.uid > recentAbove ? RECENT : 0);
      return;
    }
    const i = view.indexOf(c.uid);
    if (i < 0) return;
    if (c.kind === "gone") {
      if (!this.isGone(i) && c.modSeq < this.heldFloor) this.heldFloor = c.modSeq;
      this.mark(i, GONE);
      return;
    }
    if (this.isGone(i) || c.modSeq <= view.modSeq(i)) return;
    view.setFlags(i, c.flags, c.modSeq);
    this.mark(i, CHANGED);
  }
}
