/**
 * The selected mailbox as one connection sees it: its sequence-number -> UID map, and the
 * changes made elsewhere that it has not been told about yet.
 *
 * Store events are only queued here. The dispatcher alone calls `flush`, at the points RFC 3501
 * §7.4.1 allows, and states whether EXPUNGE may be sent then; sequence numbers change only
 * through the updates `flush` returns, so the client's view and this map never disagree.
 * Commands cannot write EXPUNGE themselves: they note their own expunges here and the
 * dispatcher reports them.
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
  | { type: "fetch"; seq: number; uid: number; flags: string[] };

export class MailboxTracker {
  /** Index i is sequence number i+1; entries past `reported` are not yet announced. */
  private readonly view: TrackedMessage[];
  private reported: number;
  private pending: StoreEvent[] = [];
  private maxUid: number;
  /** Set when the mailbox itself disappeared; the connection must end the session. */
  removed = false;

  constructor(
    readonly mailboxId: string,
    entries: readonly MailboxEntry[],
    /** UIDs above this were claimed as \Recent by this session. */
    recentAbove: number,
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

  /** Queues a store event of this run; events of other mailboxes are ignored. */
  queue(event: StoreEvent): void {
    switch (event.type) {
      case "message.added":
      case "message.flags":
      case "message.expunged":
        if (event.mailboxId === this.mailboxId) this.pending.push(event);
        return;
      case "message.moved":
        if (event.mailboxId === this.mailboxId || event.fromMailboxId === this.mailboxId)
          this.pending.push(event);
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

  hasPending(): boolean {
    return this.pending.length > 0 || this.view.some((m) => m.gone) || this.view.length > this.reported;
  }

  /** True when queued events add messages (the caller then claims \Recent before flushing). */
  hasPendingAdds(): boolean {
    return this.pending.some(
      (e) => (e.type === "message.added" || e.type === "message.moved") && e.mailboxId === this.mailboxId,
    );
  }

  /** This session's own STORE: its FETCH responses carry these flags, so the event is no news. */
  noteFlags(uid: number, flags: string[], modSeq: number): void {
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
   */
  flush(allowExpunge: boolean, recentAbove = Number.POSITIVE_INFINITY): TrackerUpdate[] {
    const events = this.pending;
    this.pending = [];
    for (const e of events) this.apply(e, recentAbove);

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
        updates.push({ type: "fetch", seq: i + 1, uid: m.uid, flags: m.flags });
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

  private apply(e: StoreEvent, recentAbove: number): void {
    if (e.type === "message.moved") {
      if (e.fromMailboxId === this.mailboxId) this.markGone(e.fromUid);
      if (e.mailboxId === this.mailboxId) this.add(e.uid, e.messageId, e.flags, e.modSeq, recentAbove);
      return;
    }
    if (e.type === "message.added") this.add(e.uid, e.messageId, e.flags, e.modSeq, recentAbove);
    else if (e.type === "message.expunged") this.markGone(e.uid);
    else if (e.type === "message.flags") {
      const i = this.indexOfUid(e.uid);
      if (i === undefined) return;
      const m = this.view[i]!;
      if (m.gone || e.modSeq <= m.modSeq) return;
      m.flags = e.flags;
      m.modSeq = e.modSeq;
      m.flagsChanged = true;
    }
  }

  private add(uid: number, messageId: string, flags: string[], modSeq: number, recentAbove: number): void {
    // UIDs only grow: one at or below the highest seen is already known (or already gone).
    if (uid <= this.maxUid) return;
    this.maxUid = uid;
    this.view.push({
      uid,
      messageId,
      flags,
      modSeq,
      recent: uid > recentAbove,
      gone: false,
      flagsChanged: false,
    });
  }

  private markGone(uid: number): void {
    const i = this.indexOfUid(uid);
    if (i !== undefined) this.view[i]!.gone = true;
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
