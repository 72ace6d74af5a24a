import { resolveSeqs, resolveUidIndexes, type SeqRange } from "../protocol/sequence.js";
import type { MailboxTracker, TrackedMessage } from "../session/tracker.js";

export interface Target {
  seq: number;
  message: TrackedMessage;
}

/** The messages a sequence set names in the client's current view, ascending. */
export function resolveTargets(tracker: MailboxTracker, ranges: SeqRange[], byUid: boolean): Target[] {
  if (byUid) {
    return resolveUidIndexes(ranges, tracker.uids()).map((i) => ({
      seq: i + 1,
      message: tracker.at(i + 1)!,
    }));
  }
  return resolveSeqs(ranges, tracker.count).map((seq) => ({ seq, message: tracker.at(seq)! }));
}
