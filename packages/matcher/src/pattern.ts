import RE2 from "re2";
import { MatcherError } from "./errors.js";

/** Longer patterns are refused: they are not what a test needs. */
export const MAX_PATTERN_LENGTH = 512;

/** Honoured flags. g, y and d are accepted, as written in code people copy, and dropped. */
const HONOURED_FLAGS = new Set(["i", "m", "s", "u"]);
const IGNORED_FLAGS = new Set(["g", "y", "d"]);

const LITERAL = /^\/([\s\S]+)\/([a-z]*)$/;

/**
 * A user-supplied regular expression compiled for RE2, whose matching time is linear in the input:
 * no pattern and no message can make it backtrack, so it may run on the event loop.
 */
export interface Pattern {
  readonly source: string;
  /** The honoured flags, in the order given. */
  readonly flags: string;
  test(candidate: string): boolean;
  /** Every match, in order, up to `limit`. */
  matchAll(candidate: string, limit: number): RegExpExecArray[];
  /** `/source/flags`. */
  toString(): string;
}

export interface PatternParts {
  source: string;
  flags: string;
}

/** `/source/flags`, or the whole text as the source. */
export function splitPatternText(text: string): PatternParts {
  const literal = LITERAL.exec(text);
  if (literal) return { source: literal[1] ?? "", flags: literal[2] ?? "" };
  return { source: text, flags: "" };
}

function checkFlags(flags: string): string {
  if (new Set(flags).size !== flags.length)
    throw new MatcherError("invalid_request", "a regex flag is repeated");
  let kept = "";
  for (const flag of flags) {
    if (HONOURED_FLAGS.has(flag)) kept += flag;
    else if (flag === "v")
      throw new MatcherError(
        "unsupported_pattern",
        "the v flag is not supported: write the class without it",
      );
    else if (!IGNORED_FLAGS.has(flag))
      throw new MatcherError(
        "invalid_request",
        `unknown regex flag ${JSON.stringify(flag)}: use i, m, s or u`,
      );
  }
  return kept;
}

/** Compiles a pattern; throws MatcherError naming what is wrong with it. */
export function compilePattern(source: string, flags = ""): Pattern {
  if (source.length === 0) throw new MatcherError("invalid_request", "the pattern is empty");
  if (source.length > MAX_PATTERN_LENGTH)
    throw new MatcherError("invalid_request", `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const kept = checkFlags(flags);
  try {
    // JavaScript's parser says whether the text is a regex at all; only then is a refusal RE2's.
    new RegExp(source, kept);
  } catch (err) {
    throw new MatcherError("invalid_request", `not a valid regular expression: ${(err as Error).message}`);
  }
  let once: RE2;
  let every: RE2;
  try {
    once = new RE2(source, kept);
    every = new RE2(source, `${kept}g`);
  } catch (err) {
    const why = (err as Error).message.replace(/^.*?: (?=[^:]*$)/, "");
    throw new MatcherError(
      "unsupported_pattern",
      `the pattern uses syntax the linear-time regex engine (RE2) does not support, such as backreferences or lookaround (${why})`,
    );
  }
  return {
    source,
    flags: kept,
    test: (candidate) => once.test(candidate),
    matchAll(candidate, limit) {
      const out: RegExpExecArray[] = [];
      every.lastIndex = 0;
      for (let m = every.exec(candidate); m !== null && out.length < limit; m = every.exec(candidate)) {
        out.push(m);
        // An empty match would find itself again forever.
        if (m[0] === "") every.lastIndex = m.index + 1;
      }
      return out;
    },
    toString: () => `/${source}/${kept}`,
  };
}

/** A pattern written as `/source/flags` or as a bare source (the form extraction documents). */
export function compilePatternText(text: string): Pattern {
  if (text.length > MAX_PATTERN_LENGTH + 10)
    throw new MatcherError("invalid_request", `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const { source, flags } = splitPatternText(text);
  return compilePattern(source, flags);
}
