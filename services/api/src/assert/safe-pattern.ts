import { SandmailError } from "@sandmail/core";
import { MAX_PATTERN_LENGTH, regexSafetyProblem } from "../support/safe-regex.js";

export { MAX_PATTERN_LENGTH };

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

/** Why `text` (`/source/flags` or a bare source) may not be run, or undefined when it may. */
export function patternProblem(text: string): string | undefined {
  if (text.length > MAX_PATTERN_LENGTH) return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  const { source, flags } = splitPattern(text);
  for (const flag of flags) {
    if (!ALLOWED_FLAGS.has(flag)) return `unknown regular expression flag "${flag}"`;
  }
  if (new Set(flags).size !== flags.length) return "a regular expression flag is repeated";
  return regexSafetyProblem(source, flags);
}

/** The pattern as a RegExp (without g/y); throws invalid_request when it may not be run. */
export function compilePattern(text: string): RegExp {
  const problem = patternProblem(text);
  if (problem) throw new SandmailError("invalid_request", `pattern ${JSON.stringify(text)}: ${problem}`);
  const { source, flags } = splitPattern(text);
  return new RegExp(source, flags.replace(/[gy]/g, ""));
}
