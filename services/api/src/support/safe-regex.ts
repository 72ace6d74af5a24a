import safeRegex from "safe-regex2";

/** Longer patterns are refused: they are not what a test needs and cost time to vet. */
export const MAX_PATTERN_LENGTH = 512;

// safe-regex2's bound on quantifiers in one pattern; more hints at a generated or hostile pattern.
const MAX_REPETITIONS = 25;

/**
 * Why a user's regex may not run against stored mail, or undefined when it may. JavaScript regexes
 * run to the end on the event loop: one that backtracks catastrophically on a crafted message
 * would stall every request, so anything safe-regex2 cannot vouch for (nested quantifiers, too
 * many of them, syntax it cannot read such as lookbehind) is refused up front. Flag policy is the
 * caller's: the wait refuses g/y, extraction ignores them.
 */
export function regexSafetyProblem(source: string, flags: string): string | undefined {
  if (source.length === 0) return "the pattern is empty";
  if (source.length > MAX_PATTERN_LENGTH)
    return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(source, flags);
  } catch (err) {
    return `not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (!safeRegex(source, { limit: MAX_REPETITIONS })) {
    return "the pattern could backtrack catastrophically (nested or too many quantifiers) or uses syntax that cannot be vetted, such as lookbehind";
  }
  return undefined;
}
