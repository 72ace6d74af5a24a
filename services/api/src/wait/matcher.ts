import { MAX_PATTERN_LENGTH, regexSafetyProblem } from "../support/safe-regex.js";

/**
 * One string criterion (subject, to, text, a header value...): exact, contains or a regex.
 * Contains ignores case, as a person typing a search expects; exact compares code points, so a
 * test that wants "Welcome!" and not "WELCOME!" can say so; a regex follows its own flags.
 */
export type MatchKind = "equals" | "contains" | "regex";

export interface StringMatcher {
  readonly kind: MatchKind;
  /** The value or pattern as given. */
  readonly value: string;
  readonly flags: string;
  test(candidate: string): boolean;
  /** For problem details and logs: `contains "Welcome"`, `matches /^Wel/i`. */
  describe(): string;
}

/** The JSON form of a criterion: a string in the query syntax, or one of these objects. */
export type MatcherInput =
  | string
  | { equals: string }
  | { contains: string }
  | { regex: string; flags?: string | undefined };

export { MAX_PATTERN_LENGTH };
export const MAX_VALUE_LENGTH = 1024;
/** Stateless flags only: g and y would make test() depend on the previous call. */
export const REGEX_FLAGS = /^(?!.*(.).*\1)[imsuv]*$/;

const REGEX_TEXT = /^\/(.+)\/([a-z]*)$/s;

/** Why a pattern is refused, or undefined when it may run against stored mail. */
export function regexProblem(pattern: string, flags = ""): string | undefined {
  if (!REGEX_FLAGS.test(flags)) return `regex flags ${JSON.stringify(flags)}: use any of i, m, s, u, v once`;
  return regexSafetyProblem(pattern, flags);
}

/** Splits the query syntax: `/re/flags` is a regex, `"text"` exact, anything else contains. */
export function parseMatcherText(text: string): Exclude<MatcherInput, string> {
  const regex = REGEX_TEXT.exec(text);
  if (regex) return { regex: regex[1] ?? "", flags: regex[2] ?? "" };
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return { equals: text.slice(1, -1) };
  return { contains: text };
}

/** Why an input is refused, or undefined; the schemas call this so errors name the field. */
export function matcherProblem(input: MatcherInput): string | undefined {
  const spec = typeof input === "string" ? parseMatcherText(input) : input;
  if ("regex" in spec) return regexProblem(spec.regex, spec.flags ?? "");
  if ("contains" in spec && spec.contains.length === 0) return "an empty `contains` value";
  return undefined;
}

export interface MatcherOptions {
  /** Compare exact values ignoring case (mail addresses, whose case carries no meaning in practice). */
  exactIgnoresCase?: boolean;
}

/** Compiles a criterion; throws a plain Error naming the problem (callers map it to invalid_request). */
export function compileMatcher(input: MatcherInput, options: MatcherOptions = {}): StringMatcher {
  const problem = matcherProblem(input);
  if (problem) throw new Error(problem);
  const spec = typeof input === "string" ? parseMatcherText(input) : input;
  if ("regex" in spec) {
    const flags = spec.flags ?? "";
    const re = new RegExp(spec.regex, flags);
    return {
      kind: "regex",
      value: spec.regex,
      flags,
      test: (candidate) => re.test(candidate),
      describe: () => `matches /${spec.regex}/${flags}`,
    };
  }
  if ("equals" in spec) {
    const wanted = spec.equals;
    const lower = wanted.toLowerCase();
    return {
      kind: "equals",
      value: wanted,
      flags: "",
      test: options.exactIgnoresCase
        ? (candidate) => candidate.toLowerCase() === lower
        : (candidate) => candidate === wanted,
      describe: () => `equals ${JSON.stringify(wanted)}`,
    };
  }
  const needle = spec.contains.toLowerCase();
  return {
    kind: "contains",
    value: spec.contains,
    flags: "",
    test: (candidate) => candidate.toLowerCase().includes(needle),
    describe: () => `contains ${JSON.stringify(spec.contains)}`,
  };
}
