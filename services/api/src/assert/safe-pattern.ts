import { SandmailError } from "@sandmail/core";
import safeRegex from "safe-regex2";

/** Longer patterns are refused: they are not what a test needs and cost time to vet. */
export const MAX_PATTERN_LENGTH = 512;

// safe-regex2's bound on quantifiers in one pattern; more hints at a generated or hostile pattern.
const MAX_REPETITIONS = 25;
const LITERAL = /^\/([\s\S]+)\/([a-z]*)$/;
// g and y make no sense for "every match" / "any match" and are dropped; d is harmless.
const ALLOWED_FLAGS = new Set(["i", "m", "s", "u", "v", "g", "y", "d"]);

export interface PatternParts {
  source: string;
  flags: string;
}

/** `/source/flags` or a bare source; the literal form is what users copy from their code. */
export function splitPattern(text: string): PatternParts {
  const literal = LITERAL.exec(text);
  if (literal) return { source: literal[1] ?? "", flags: literal[2] ?? "" };
  return { source: text, flags: "" };
}

/**
 * Why `text` may not be run, or undefined when it may. JavaScript regular expressions run to the
 * end on the event loop; one that backtracks catastrophically would stall every request, so
 * anything safe-regex2 cannot vouch for (nested quantifiers, too many of them, syntax it cannot
 * read such as lookbehind) is refused up front.
 */
export function patternProblem(text: string): string | undefined {
  if (text.length === 0) return "the pattern is empty";
  if (text.length > MAX_PATTERN_LENGTH) return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  const { source, flags } = splitPattern(text);
  for (const flag of flags) {
    if (!ALLOWED_FLAGS.has(flag)) return `unknown regular expression flag "${flag}"`;
  }
  if (new Set(flags).size !== flags.length) return "a regular expression flag is repeated";
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

/** The pattern as a RegExp (without g/y); throws invalid_request when it may not be run. */
export function compilePattern(text: string): RegExp {
  const problem = patternProblem(text);
  if (problem) throw new SandmailError("invalid_request", `pattern ${JSON.stringify(text)}: ${problem}`);
  const { source, flags } = splitPattern(text);
  return new RegExp(source, flags.replace(/[gy]/g, ""));
}
