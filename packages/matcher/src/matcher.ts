import { MatcherError } from "./errors.js";
import { compilePattern, compilePatternText, type Pattern } from "./pattern.js";

/** Longest `equals` / `contains` value. */
export const MAX_VALUE_LENGTH = 4096;

/**
 * A string criterion as written: the text syntax (`Welcome` contains, `"Welcome!"` exact,
 * `/^Wel/i` a pattern), or an object naming its kind. `matches` takes a pattern in the text form
 * (`/src/flags` or a bare source); `regex` + `flags` is the same pattern split in two.
 */
export type MatcherSpec = string | MatcherObjectSpec;

export interface MatcherObjectSpec {
  equals?: string | undefined;
  contains?: string | undefined;
  matches?: string | undefined;
  regex?: string | undefined;
  flags?: string | undefined;
  /** Overrides the kind's default: contains ignores case, equals does not, a pattern follows its flags. */
  ignoreCase?: boolean | undefined;
}

export type MatcherKind = "equals" | "contains" | "pattern";

export interface CompiledMatcher {
  readonly kind: MatcherKind;
  /** The value, or the pattern's source. */
  readonly value: string;
  readonly ignoreCase: boolean;
  /**
   * A text that every candidate the matcher accepts holds once case-folded (foldCase), or
   * undefined when it cannot say (patterns, an empty `equals`): an index of folded texts may pass
   * over whatever lacks it, and test only the rest. Never decides a match on its own.
   */
  readonly needle: string | undefined;
  test(candidate: string): boolean;
  /** `contains "Welcome"`, `equals "Welcome!"`, `matches /^Wel/i`: for problem details and reports. */
  describe(): string;
}

export interface MatcherOptions {
  /**
   * The values compared carry no case (mail addresses): `equals` ignores case unless the matcher
   * says `ignoreCase: false`.
   */
  caseless?: boolean;
}

export const MATCHER_KINDS = ["equals", "contains", "matches", "regex"] as const;

/** The text syntax as an object: `/re/flags` a pattern, `"text"` exact, anything else contains. */
export function parseMatcherText(text: string): MatcherObjectSpec {
  if (/^\/[\s\S]+\/[a-z]*$/.test(text)) return { matches: text };
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return { equals: text.slice(1, -1) };
  return { contains: text };
}

function kindsGiven(spec: MatcherObjectSpec): string[] {
  return MATCHER_KINDS.filter((k) => spec[k] !== undefined);
}

function checkValue(what: string, value: string, min: number): void {
  if (value.length < min) throw new MatcherError("invalid_request", `an empty \`${what}\` value`);
  if (value.length > MAX_VALUE_LENGTH)
    throw new MatcherError(
      "invalid_request",
      `the \`${what}\` value is longer than ${MAX_VALUE_LENGTH} characters`,
    );
}

function withCase(pattern: Pattern, ignoreCase: boolean | undefined): Pattern {
  if (ignoreCase === undefined || pattern.flags.includes("i") === ignoreCase) return pattern;
  const flags = ignoreCase ? `${pattern.flags}i` : pattern.flags.replace("i", "");
  return compilePattern(pattern.source, flags);
}

function patternOf(spec: MatcherObjectSpec): Pattern {
  if (spec.matches !== undefined) return withCase(compilePatternText(spec.matches), spec.ignoreCase);
  return withCase(compilePattern(spec.regex ?? "", spec.flags ?? ""), spec.ignoreCase);
}

/**
 * The one case folding of caseless criteria: `contains` (any case) and caseless `equals` compare
 * folded texts, and an index that prefilters for them (CompiledMatcher.needle) folds with this.
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/*
 * Whether `text` found in a candidate is still found, folded, in the folded candidate: folding maps
 * one code point at a time but for a capital sigma (final or not, by what is around it), and a
 * text with half a surrogate pair may match half of a pair that folds to another.
 */
const FOLDS_IN_CONTEXT = /\u03a3|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ASCII_ONLY = /^[\x00-\x7f]*$/;
// The only characters outside ASCII whose lowercase holds an ASCII one: U+0130 (to "i" and a
// combining dot) and the Kelvin sign U+212A (to "k").
const LOWERS_TO_ASCII = /[\u0130\u212a]/;

/**
 * `candidate.toLowerCase().includes(lower)`, without lowercasing (a copy of) every candidate when
 * `lower` is ASCII: a case-insensitive search for `lower` then finds it exactly where the
 * lowercased candidate has it. Outside Unicode mode such a search compares ASCII letters in either
 * case and never pairs a character outside ASCII with an ASCII one, and lowercasing maps ASCII to
 * ASCII and everything else, one character at a time, to characters outside ASCII, but for the
 * two above: a candidate holding one of those is lowercased as before.
 */
function caselessContains(lower: string): (candidate: string) => boolean {
  const slow = (c: string) => foldCase(c).includes(lower);
  if (!ASCII_ONLY.test(lower)) return slow;
  const search = new RegExp(lower.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&"), "i");
  return (c) => search.test(c) || (LOWERS_TO_ASCII.test(c) && slow(c));
}

/**
 * The one implementation of string criteria: waits, lists, assertions and every later filter
 * compile through here. Throws MatcherError naming the problem.
 */
export function compileMatcher(spec: MatcherSpec, options: MatcherOptions = {}): CompiledMatcher {
  const object = typeof spec === "string" ? parseMatcherText(spec) : spec;
  const given = kindsGiven(object);
  if (given.length !== 1)
    throw new MatcherError(
      "invalid_request",
      `give exactly one of ${MATCHER_KINDS.join(", ")}${given.length ? ` (got ${given.join(", ")})` : ""}`,
    );
  if (object.flags !== undefined && object.regex === undefined)
    throw new MatcherError("invalid_request", "`flags` goes with `regex`");

  if (object.matches !== undefined || object.regex !== undefined) {
    const pattern = patternOf(object);
    return {
      kind: "pattern",
      value: pattern.source,
      ignoreCase: pattern.flags.includes("i"),
      needle: undefined,
      test: (candidate) => pattern.test(candidate),
      describe: () => `matches ${pattern}`,
    };
  }
  if (object.equals !== undefined) {
    const wanted = object.equals;
    checkValue("equals", wanted, 0);
    const ignoreCase = object.ignoreCase ?? options.caseless === true;
    const lower = foldCase(wanted);
    return {
      kind: "equals",
      value: wanted,
      ignoreCase,
      // Equal texts fold to equal texts, in any case.
      needle: lower === "" ? undefined : lower,
      test: ignoreCase ? (c) => foldCase(c) === lower : (c) => c === wanted,
      describe: () =>
        `equals ${JSON.stringify(wanted)}${ignoreCase && !options.caseless ? " (any case)" : ""}`,
    };
  }
  const wanted = object.contains ?? "";
  checkValue("contains", wanted, 1);
  const ignoreCase = object.ignoreCase ?? true;
  const lower = foldCase(wanted);
  return {
    kind: "contains",
    value: wanted,
    ignoreCase,
    needle: ignoreCase || !FOLDS_IN_CONTEXT.test(wanted) ? lower : undefined,
    test: ignoreCase ? caselessContains(lower) : (c) => c.includes(wanted),
    describe: () => `contains ${JSON.stringify(wanted)}${ignoreCase ? "" : " (exact case)"}`,
  };
}

/** Why a spec is refused, or undefined; schemas call this so the error names the field. */
export function matcherProblem(spec: MatcherSpec, options: MatcherOptions = {}): MatcherError | undefined {
  try {
    compileMatcher(spec, options);
    return undefined;
  } catch (err) {
    if (err instanceof MatcherError) return err;
    throw err;
  }
}
