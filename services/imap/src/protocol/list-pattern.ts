/**
 * LIST/LSUB pattern matching on stored (decoded) names: `*` matches anything, `%` anything but
 * the hierarchy delimiter (RFC 3501 §6.3.8). Matched by stepping a set of pattern positions
 * through the name (a Thompson NFA) instead of a backtracking regex, so the cost is at most
 * name length × pattern length whatever the client sends: `*a*a*a*a*a*a*b` against a 60-character
 * name is a few thousand steps, not seconds.
 */
import { DELIMITER, normalizeInbox } from "./mailbox-name.js";

const STAR = -1;
const PERCENT = -2;

/** The pattern as code points, wildcards as negative markers, runs of `*` collapsed. */
function compile(pattern: string): number[] {
  const out: number[] = [];
  for (const ch of pattern) {
    const code = ch === "*" ? STAR : ch === "%" ? PERCENT : ch.codePointAt(0)!;
    if (code === STAR && out[out.length - 1] === STAR) continue;
    out.push(code);
  }
  return out;
}

const DELIMITER_CODE = DELIMITER.codePointAt(0)!;

/** Whether `name` matches the compiled pattern; every position is visited once per character. */
function matches(pat: number[], name: string): boolean {
  const m = pat.length;
  let current = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  // A wildcard may match nothing: a state on a wildcard also stands on the position after it.
  const close = (set: Uint8Array): void => {
    for (let i = 0; i < m; i++) if (set[i] && pat[i]! < 0) set[i + 1] = 1;
  };
  current[0] = 1;
  close(current);
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    next.fill(0);
    let alive = false;
    for (let i = 0; i < m; i++) {
      if (!current[i]) continue;
      const p = pat[i]!;
      if (p === STAR || (p === PERCENT && code !== DELIMITER_CODE)) {
        next[i] = 1;
        alive = true;
      } else if (p === code) {
        next[i + 1] = 1;
        alive = true;
      }
    }
    if (!alive) return false;
    close(next);
    [current, next] = [next, current];
  }
  return current[m] === 1;
}

/** A predicate for names that `reference` + `pattern` selects; INBOX matches in any case. */
export function listMatcher(reference: string, pattern: string): (name: string) => boolean {
  const full = normalizeInbox(reference + pattern);
  const exact = compile(full);
  const folded = compile(full.toUpperCase());
  return (name) => (name === "INBOX" ? matches(folded, name) : matches(exact, name));
}
