import { resolveSeqs, resolveUidIndexes, type SeqRange } from "../protocol/sequence.js";
import type { MailboxTracker, TrackedMessage } from "../session/tracker.js";

export interface Target {
  seq: number;
  message: TrackedMessage;
}

/** The messages a sequence set names in the client's current view, ascending. */
export function resolveTargets(tracker: MailboxTracker, ranges: SeqRange[], byUid: boolean): Target[] {
  return resolveIndexes(tracker, ranges, byUid).map((i) => ({ seq: i + 1, message: tracker.at(i + 1)! }));
}

/** The same as positions in the view (seq - 1), without an object per message. */
export function resolveIndexes(tracker: MailboxTracker, ranges: SeqRange[], byUid: boolean): number[] {
  if (byUid) return resolveUidIndexes(ranges, tracker.uids());
  return resolveSeqs(ranges, tracker.count).map((seq) => seq - 1);
}
