import { resolveSeqs, resolveUidIndexes, SEARCH_RESULT, type SeqRange } from "../protocol/sequence.js";
import type { Selection } from "../session/session.js";
import type { TrackedMessage } from "../session/tracker.js";

export interface Target {
  seq: number;
  message: TrackedMessage;
}

/**
 * The messages a sequence set names in the client's current view, ascending. `$` names the
 * saved search result's messages that are still there, whether the command is a UID one or not.
 */
export function resolveTargets(selection: Selection, ranges: SeqRange[], byUid: boolean): Target[] {
  const { tracker } = selection;
  return resolveIndexes(selection, ranges, byUid).map((i) => ({ seq: i + 1, message: tracker.at(i + 1)! }));
}

/** The same as positions in the view (seq - 1), without an object per message. */
export function resolveIndexes(selection: Selection, ranges: SeqRange[], byUid: boolean): number[] {
  const { tracker } = selection;
  if (ranges === SEARCH_RESULT) {
    const saved = (selection.searchResult ?? []).map((uid) => ({ from: uid, to: uid }));
    return resolveUidIndexes(saved, tracker.uids());
  }
  if (byUid) return resolveUidIndexes(ranges, tracker.uids());
  return resolveSeqs(ranges, tracker.count).map((seq) => seq - 1);
}
