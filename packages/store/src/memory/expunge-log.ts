/**
 * One mailbox's memory of the UIDs that left it, for QRESYNC's VANISHED (RFC 7162 §3.2.5):
 * (uid, modSeq) pairs in the order they happened, which is modSeq order since every change takes
 * the run's next counter value. Bounded: past `kept` entries the oldest go, and `floor` remembers
 * the highest modSeq forgotten.
 */
import type { ExpungedUids } from "../contract.js";

export class ExpungeLog {
  private uids: number[] = [];
  private modSeqs: number[] = [];
  private floor = 0;

  constructor(private readonly kept: number) {}

  record(uid: number, modSeq: number): void {
    this.uids.push(uid);
    this.modSeqs.push(modSeq);
  }

  /** Drops the oldest entries past the bound; called once per store call, so a bulk expunge shifts once. */
  trim(): void {
    const excess = this.uids.length - this.kept;
    if (excess <= 0) return;
    this.floor = this.modSeqs[excess - 1] as number;
    this.uids.splice(0, excess);
    this.modSeqs.splice(0, excess);
  }

  since(modSeq: number): ExpungedUids {
    // Binary search for the first entry above modSeq.
    let lo = 0;
    let hi = this.modSeqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.modSeqs[mid] as number) <= modSeq) lo = mid + 1;
      else hi = mid;
    }
    const uids = this.uids.slice(lo).sort((a, b) => a - b);
    return { uids, floor: this.floor };
  }
}
