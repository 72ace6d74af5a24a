import type { ExtractInput, PatternMatch, PatternSource } from "./types.js";

/** A compiled pattern that can list its matches (a RE2 pattern from @sandmail/matcher). */
export interface MatchingPattern {
  matchAll(candidate: string, limit: number): RegExpExecArray[];
}

/** Stops a pattern such as /a|/ from producing a match per character of a large body. */
export const MAX_PATTERN_MATCHES = 1000;

/**
 * Every match of `pattern` in the subject, the text part and the HTML markup (so hrefs and
 * attributes can be matched), in that order.
 */
export function extractByPattern(input: ExtractInput, pattern: MatchingPattern): PatternMatch[] {
  const results: PatternMatch[] = [];
  const parts: Array<[PatternSource, string | undefined]> = [
    ["subject", input.subject],
    ["text", input.text],
    ["html", input.html],
  ];
  for (const [source, value] of parts) {
    if (!value) continue;
    for (const match of pattern.matchAll(value, MAX_PATTERN_MATCHES - results.length)) {
      const result: PatternMatch = {
        match: match[0],
        groups: match.slice(1).map((group) => group ?? null),
        source,
        index: match.index,
      };
      if (match.groups) {
        result.namedGroups = Object.fromEntries(Object.entries(match.groups).map(([k, v]) => [k, v ?? null]));
      }
      results.push(result);
      if (results.length >= MAX_PATTERN_MATCHES) return results;
    }
  }
  return results;
}
