import { recipientKeys } from "../shared/recipients.js";
import { insertSorted, lowerBound, removeSorted } from "./sorted.js";
import { bySeqKey, type MessageRecord, type RunState } from "./state.js";

/** Files a new message under each of its recipient keys. */
export function indexRecipients(state: RunState, rec: MessageRecord): void {
  for (const key of recipientKeys(rec.meta.summary, rec.envelope)) {
    const list = state.byRecipient.get(key);
    if (list) insertSorted(list, rec, bySeqKey);
    else state.byRecipient.set(key, [rec]);
  }
}

/** Takes messages that leave the run out of the recipient index. */
export function unindexRecipients(state: RunState, recs: MessageRecord[]): void {
  const byKey = new Map<string, MessageRecord[]>();
  for (const rec of recs)
    for (const key of recipientKeys(rec.meta.summary, rec.envelope)) {
      const group = byKey.get(key);
      if (group) group.push(rec);
      else byKey.set(key, [rec]);
    }
  for (const [key, group] of byKey) {
    const list = state.byRecipient.get(key);
    if (!list) continue;
    removeSorted(list, group, bySeqKey);
    if (list.length === 0) state.byRecipient.delete(key);
  }
}

/**
 * The seq-ordered lists that hold every message for `recipient`: the recipient index's and the
 * inbox of that address (a message is found under its inbox address there, since a move can
 * change it). A message may be in both.
 */
export function recipientSources(state: RunState, recipient: string): MessageRecord[][] {
  const key = recipient.toLowerCase();
  const sources: MessageRecord[][] = [];
  const indexed = state.byRecipient.get(key);
  if (indexed) sources.push(indexed);
  const inbox = state.inboxes.get(key);
  if (inbox) sources.push(inbox.bySeq);
  return sources;
}

/**
 * The records of seq-ordered lists with afterSeq < seq < beforeSeq, merged in seq order
 * (ascending or descending), each record once.
 */
export function* mergedRange(
  sources: MessageRecord[][],
  afterSeq: number | undefined,
  beforeSeq: number | undefined,
  asc: boolean,
): Generator<MessageRecord> {
  const lo = sources.map((s) => (afterSeq === undefined ? 0 : lowerBound(s, afterSeq + 1, bySeqKey)));
  const hi = sources.map((s) => (beforeSeq === undefined ? s.length : lowerBound(s, beforeSeq, bySeqKey)));
  // Next position to read in each list: from lo up when ascending, from hi - 1 down otherwise.
  const at = asc ? lo : hi.map((h) => h - 1);
  let last: MessageRecord | undefined;
  for (;;) {
    let pick = -1;
    let best: MessageRecord | undefined;
    for (let i = 0; i < sources.length; i++) {
      const pos = at[i] as number;
      if (asc ? pos >= (hi[i] as number) : pos < (lo[i] as number)) continue;
      const rec = (sources[i] as MessageRecord[])[pos] as MessageRecord;
      if (!best || (asc ? rec.seq < best.seq : rec.seq > best.seq)) {
        best = rec;
        pick = i;
      }
    }
    if (!best) return;
    at[pick] = (at[pick] as number) + (asc ? 1 : -1);
    if (best === last) continue;
    last = best;
    yield best;
  }
}
