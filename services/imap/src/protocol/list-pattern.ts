/**
 * LIST/LSUB pattern matching on stored (decoded) names: `*` matches anything, `%` anything but
 * the hierarchy delimiter (RFC 3501 §6.3.8). Matched by stepping the set of live pattern
 * positions through the name (a Thompson NFA) instead of a backtracking regex, so the cost is at
 * most name length × pattern length whatever the client sends: `*a*a*a*a*a*a*b` against a
 * 60-character name is a few hundred steps, not seconds. Names and patterns are compared in
 * UTF-16 code units; wildcards match runs, so that is the same as comparing code points.
 */
import { DELIMITER, normalizeInbox } from "./mailbox-name.js";

const STAR = -1;
const PERCENT = -2;
const DELIMITER_CODE = DELIMITER.charCodeAt(0);

/** The pattern as code units, wildcards as negative markers, runs of `*` collapsed. */
function compile(pattern: string): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    const code = ch === "*" ? STAR : ch === "%" ? PERCENT : pattern.charCodeAt(i);
    if (code === STAR && out[out.length - 1] === STAR) continue;
    out.push(code);
  }
  return Int32Array.from(out);
}

/** A matcher for one compiled pattern; its state lists are reused from name to name. */
function nfa(pat: Int32Array): (name: string) => boolean {
  const m = pat.length;
  let current = new Int32Array(m + 1);
  let next = new Int32Array(m + 1);
  // seen[i] === stamp: position i is already in the list being built (no duplicates).
  const seen = new Uint32Array(m + 1);
  let stamp = 0;
  const newList = (): void => {
    if (++stamp === 0xffffffff) {
      seen.fill(0);
      stamp = 1;
    }
  };
  /** Adds position i, and the positions after the wildcards it stands on (they may match nothing). */
  const add = (list: Int32Array, length: number, i: number): number => {
    for (;;) {
      if (seen[i] === stamp) return length;
      seen[i] = stamp;
      list[length++] = i;
      if (i < m && pat[i]! < 0) i++;
      else return length;
    }
  };
  return (name) => {
    newList();
    let size = add(current, 0, 0);
    for (let k = 0; k < name.length; k++) {
      const code = name.charCodeAt(k);
      newList();
      let nextSize = 0;
      for (let j = 0; j < size; j++) {
        const i = current[j]!;
        if (i === m) continue;
        const p = pat[i]!;
        if (p === STAR || (p === PERCENT && code !== DELIMITER_CODE)) nextSize = add(next, nextSize, i);
        else if (p === code) nextSize = add(next, nextSize, i + 1);
      }
      if (nextSize === 0) return false;
      const swap = current;
      current = next;
      next = swap;
      size = nextSize;
    }
    for (let j = 0; j < size; j++) if (current[j] === m) return true;
    return false;
  };
}

/** A predicate for names that `reference` + `pattern` selects; INBOX matches in any case. */
export function listMatcher(reference: string, pattern: string): (name: string) => boolean {
  const full = normalizeInbox(reference + pattern);
  const exact = nfa(compile(full));
  const folded = nfa(compile(full.toUpperCase()));
  return (name) => (name === "INBOX" ? folded(name) : exact(name));
}
