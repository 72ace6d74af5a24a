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
import type { MailboxEntry } from "@sandmail/store";

export interface TrackedMessage {
  uid: number;
  messageId: string;
  flags: string[];
  modSeq: number;
  recent: boolean;
  /** Expunged in the store, not yet reported to the client. */
  gone: boolean;
  /** Flags changed elsewhere, not yet reported. */
  flagsChanged: boolean;
}

export type TrackerUpdate =
  | { type: "expunge"; seq: number }
  | { type: "exists"; count: number }
  | { type: "recent"; count: number }
  | { type: "fetch"; seq: number; uid: number; flags: string[]; modSeq: number; recent: boolean };

/** A change to this mailbox, as the tracker applies it. */
type Change =
  | { kind: "add"; uid: number; messageId: string; flags: string[]; modSeq: number }
  | { kind: "flags"; uid: number; flags: string[]; modSeq: number }
  | { kind: "gone"; uid: number; modSeq: number };

/** What the next flush will apply: the first `count` queued changes, adding UIDs up to `maxUid`. */
export interface FlushPlan {
  count: number;
  /** Highest UID the planned changes add (0 when they add none): the \Recent claim's limit. */
  maxUid: number;
}

export class MailboxTracker {
  /** Index i is sequence number i+1; entries past `reported` are not yet announced. */
  private readonly view: TrackedMessage[];
  private reported: number;
  private pending: Change[] = [];
  /** Highest UID applied to the view. */
  private maxUid: number;
  /** Highest UID / modSeq this session has heard of (applied or queued). */
  private heardUid: number;
  private heardModSeq: number;
  /** Set when the mailbox itself disappeared; the connection must end the session. */
  removed = false;
  /** HIGHESTMODSEQ of the state the index showed (what SELECT reports). */
  readonly selectedModSeq: number;

  constructor(
    readonly mailboxId: string,
    entries: readonly MailboxEntry[],
    /** UIDs above this were claimed as \Recent by this session. */
    recentAbove: number,
    /** The mailbox as read before its index: changes up to these are in `entries`. */
    known: { uidNext: number; highestModSeq: number } = { uidNext: 0, highestModSeq: 0 },
  ) {
    this.view = entries.map((e) => ({
      uid: e.uid,
      messageId: e.messageId,
      flags: e.flags,
      modSeq: e.modSeq,
      recent: e.uid > recentAbove,
      gone: false,
      flagsChanged: false,
    }));
    this.reported = this.view.length;
    this.maxUid = this.view.length > 0 ? this.view[this.view.length - 1]!.uid : 0;
    this.heardUid = Math.max(this.maxUid, known.uidNext - 1);
    let top = known.highestModSeq;
    for (const e of entries) if (e.modSeq > top) top = e.modSeq;
    this.heardModSeq = top;
    this.selectedModSeq = top;
  }

  /** Messages the client knows of (its EXISTS count). */
  get count(): number {
    return this.reported;
  }

  get recentCount(): number {
    let n = 0;
    for (let i = 0; i < this.reported; i++) if (this.view[i]!.recent) n++;
    return n;
  }

  /** The message at a sequence number the client knows. */
  at(seq: number): TrackedMessage | undefined {
    return seq >= 1 && seq <= this.reported ? this.view[seq - 1] : undefined;
  }

  /** UIDs of the client's view, ascending (index = seq - 1). */
  uids(): number[] {
    const out = new Array<number>(this.reported);
    for (let i = 0; i < this.reported; i++) out[i] = this.view[i]!.uid;
    return out;
  }

  seqOfUid(uid: number): number | undefined {
    const i = this.indexOfUid(uid);
    return i !== undefined && i < this.reported ? i + 1 : undefined;
  }

  /** The UIDNEXT floor implied by what this session has seen. */
  get highestUid(): number {
    return this.maxUid;
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
        if (event.mailboxId !== this.mailboxId) return;
        this.push({
          kind: "add",
          uid: event.uid,
          messageId: event.messageId,
          flags: event.flags,
          modSeq: event.modSeq,
        });
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
        if (event.mailboxId === this.mailboxId)
          this.push({
            kind: "add",
            uid: event.uid,
            messageId: event.messageId,
            flags: event.flags,
            modSeq: event.modSeq,
          });
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
   * before `entries`: a UID below it that the index lacks is gone for sure, while one above it
   * may simply be newer than the index.
   */
  reconcile(entries: readonly MailboxEntry[], uidNextBefore: number, highestModSeq: number): void {
    const present = new Set<number>();
    for (const e of entries) {
      present.add(e.uid);
      const i = this.indexOfUid(e.uid);
      if (i === undefined) {
        if (e.uid > this.maxUid)
          this.push({ kind: "add", uid: e.uid, messageId: e.messageId, flags: e.flags, modSeq: e.modSeq });
      } else if (e.modSeq > this.view[i]!.modSeq) {
        this.push({ kind: "flags", uid: e.uid, flags: e.flags, modSeq: e.modSeq });
      }
    }
    for (const m of this.view) {
      if (!m.gone && m.uid < uidNextBefore && !present.has(m.uid))
        this.push({ kind: "gone", uid: m.uid, modSeq: 0 });
    }
    if (highestModSeq > this.heardModSeq) this.heardModSeq = highestModSeq;
    if (uidNextBefore - 1 > this.heardUid) this.heardUid = uidNextBefore - 1;
  }

  hasPending(): boolean {
    return this.pending.length > 0 || this.view.some((m) => m.gone) || this.view.length > this.reported;
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

  /** This session's own STORE: its FETCH responses carry these flags, so the event is no news. */
  noteFlags(uid: number, flags: string[], modSeq: number): void {
    if (modSeq > this.heardModSeq) this.heardModSeq = modSeq;
    const i = this.indexOfUid(uid);
    if (i === undefined) return;
    const m = this.view[i]!;
    if (modSeq >= m.modSeq) {
      m.flags = flags;
      m.modSeq = modSeq;
      m.flagsChanged = false;
    }
  }

  /** This session's own EXPUNGE / MOVE: reported by the next flush that allows EXPUNGE. */
  noteExpunged(uids: readonly number[]): void {
    for (const uid of uids) {
      const i = this.indexOfUid(uid);
      if (i !== undefined) this.view[i]!.gone = true;
    }
  }

  /**
   * Applies queued changes and returns the untagged responses announcing them, in order.
   * `allowExpunge` false keeps expunged messages in the view (their sequence numbers stay
   * valid) until a later flush that allows it. `recentAbove`: the \Recent claim for new UIDs.
   * `plan` (from `plan()`) limits the flush to the changes queued when the claim was made.
   */
  flush(allowExpunge: boolean, recentAbove = Number.POSITIVE_INFINITY, plan?: FlushPlan): TrackerUpdate[] {
    const count = plan ? Math.min(plan.count, this.pending.length) : this.pending.length;
    const changes = this.pending.slice(0, count);
    this.pending = this.pending.slice(count);
    for (const c of changes) this.apply(c, recentAbove);

    const updates: TrackerUpdate[] = [];
    if (allowExpunge) {
      // Descending order keeps every reported number valid at the moment it is sent.
      for (let i = this.view.length - 1; i >= 0; i--) {
        if (!this.view[i]!.gone) continue;
        this.view.splice(i, 1);
        if (i < this.reported) {
          this.reported--;
          updates.push({ type: "expunge", seq: i + 1 });
        }
      }
    }
    for (let i = 0; i < this.reported; i++) {
      const m = this.view[i]!;
      if (m.flagsChanged && !m.gone) {
        m.flagsChanged = false;
        updates.push({
          type: "fetch",
          seq: i + 1,
          uid: m.uid,
          flags: m.flags,
          modSeq: m.modSeq,
          recent: m.recent,
        });
      }
    }
    if (this.view.length > this.reported) {
      for (let i = this.reported; i < this.view.length; i++) this.view[i]!.flagsChanged = false;
      this.reported = this.view.length;
      updates.push({ type: "exists", count: this.reported });
      updates.push({ type: "recent", count: this.recentCount });
    }
    return updates;
  }

  private push(change: Change): void {
    if (change.modSeq > this.heardModSeq) this.heardModSeq = change.modSeq;
    if (change.kind === "add" && change.uid > this.heardUid) this.heardUid = change.uid;
    this.pending.push(change);
  }

  private apply(c: Change, recentAbove: number): void {
    if (c.kind === "add") {
      // UIDs only grow: one at or below the highest seen is already known (or already gone).
      if (c.uid <= this.maxUid) return;
      this.maxUid = c.uid;
      this.view.push({
        uid: c.uid,
        messageId: c.messageId,
        flags: c.flags,
        modSeq: c.modSeq,
        recent: c.uid > recentAbove,
        gone: false,
        flagsChanged: false,
      });
      return;
    }
    const i = this.indexOfUid(c.uid);
    if (i === undefined) return;
    const m = this.view[i]!;
    if (c.kind === "gone") {
      m.gone = true;
      return;
    }
    if (m.gone || c.modSeq <= m.modSeq) return;
    m.flags = c.flags;
    m.modSeq = c.modSeq;
    m.flagsChanged = true;
  }

  private indexOfUid(uid: number): number | undefined {
    let lo = 0;
    let hi = this.view.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.view[mid]!.uid < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.view.length && this.view[lo]!.uid === uid ? lo : undefined;
  }
}
