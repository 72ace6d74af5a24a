/**
 * The base subject of RFC 5256 §2.1, which SORT SUBJECT and both THREAD algorithms compare.
 * The input is the Subject header already decoded (RFC 2047); the output is case-mapped the way
 * Dovecot does it (compatibility decomposition, then upper case: its titlecase mapping is the
 * same for all but a few digraphs), so that "Re:" and "RE:" and "re:" are one leader and ties
 * sort as Dovecot sorts them.
 *
 * Every step is a bounded scan from one end of the text, so the whole extraction is linear in
 * the subject's length however many leaders, blobs and trailers it holds.
 */

export interface BaseSubject {
  /** The base subject, case-mapped; "" for a missing or empty subject. */
  subject: string;
  /** Whether a reply/forward marker (Re:, Fw:, Fwd:, "(fwd)", "[fwd: ...]") was removed. */
  reply: boolean;
}

/** `[` *BLOBCHAR `]` *WSP at `pos`, within `end`: the index after it, or -1. */
function blobEnd(s: string, pos: number, end: number): number {
  if (pos >= end || s.charCodeAt(pos) !== 0x5b) return -1;
  let i = pos + 1;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5d) break;
    if (c === 0x5b) return -1;
  }
  if (i >= end) return -1;
  i++;
  while (i < end && s.charCodeAt(i) === 0x20) i++;
  return i;
}

interface State {
  reply: boolean;
  /** Where the blobs before the last failed subj-refwd ended (see baseSubject). */
  chainEnd: number;
}

/**
 * subj-leader = (*subj-blob subj-refwd) / WSP at `pos`: the index after it, -1 when there is
 * none. `reply` is set when it holds a subj-refwd.
 */
function leaderEnd(s: string, pos: number, end: number, state: State): number {
  if (pos < end && s.charCodeAt(pos) === 0x20) return pos + 1;
  let i = pos;
  for (let next = blobEnd(s, i, end); next !== -1; next = blobEnd(s, i, end)) i = next;
  state.chainEnd = i;
  // subj-refwd = ("RE" / ("FW" ["D"])) *WSP [subj-blob] ":"
  const word = (w: string) => i + w.length <= end && s.startsWith(w, i);
  if (word("RE")) i += 2;
  else if (word("FWD")) i += 3;
  else if (word("FW")) i += 2;
  else return -1;
  while (i < end && s.charCodeAt(i) === 0x20) i++;
  const blob = blobEnd(s, i, end);
  if (blob !== -1) i = blob;
  if (i >= end || s.charCodeAt(i) !== 0x3a) return -1;
  state.reply = true;
  return i + 1;
}

/** Case mapping for comparison (see the module comment). */
export function caseMap(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s.toUpperCase() : s.normalize("NFKD").toUpperCase();
}

/** RFC 5256 §2.1 on a decoded Subject value. */
export function baseSubject(decoded: string): BaseSubject {
  const state: State = { reply: false, chainEnd: -1 };
  // Step 1: whitespace (tabs, what unfolding left) becomes single spaces.
  const s = caseMap(decoded).replace(/[\t\r\n ]+/g, " ");
  // The base subject is s[start, end): indexes, never copies, keep every step linear.
  let start = 0;
  let end = s.length;
  for (;;) {
    // Step 2: trailing WSP and "(FWD)" trailers.
    for (;;) {
      while (end > start && s.charCodeAt(end - 1) === 0x20) end--;
      if (end - start < 5 || !s.startsWith("(FWD)", end - 5)) break;
      end -= 5;
      state.reply = true;
    }
    // Steps 3-5: leaders, then a leading blob if text remains after it, until nothing changes.
    // A failed leader scan read every blob up to chainEnd; from a later blob in that chain it
    // would fail the same way, so it is not repeated (that would be quadratic in the blobs).
    let noLeaderUntil = -1;
    for (;;) {
      const before = start;
      if (start > noLeaderUntil) {
        for (let next = leaderEnd(s, start, end, state); next !== -1; next = leaderEnd(s, start, end, state))
          start = next;
        noLeaderUntil = state.chainEnd;
      }
      const blob = blobEnd(s, start, end);
      if (blob !== -1 && blob < end) start = blob;
      if (start === before) break;
    }
    // Step 6: "[FWD:" ... "]" wraps a forwarded subject; unwrap it and start again at step 2.
    if (end - start >= 6 && s.startsWith("[FWD:", start) && s.charCodeAt(end - 1) === 0x5d) {
      start += 5;
      end -= 1;
      state.reply = true;
      continue;
    }
    return { subject: s.slice(start, end), reply: state.reply };
  }
}
