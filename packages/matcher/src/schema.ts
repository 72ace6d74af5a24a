import { z } from "zod";
import { MatcherError } from "./errors.js";
import { MAX_VALUE_LENGTH, type MatcherObjectSpec, type MatcherSpec, matcherProblem } from "./matcher.js";
import { compilePatternText, MAX_PATTERN_LENGTH } from "./pattern.js";

/**
 * The wire form of a matcher, for every API that takes one. A refusal carries `params.code`
 * (`unsupported_pattern` or `invalid_matcher`) so the API can answer with that problem code.
 */

function addProblem(ctx: z.RefinementCtx, err: MatcherError): void {
  ctx.addIssue({ code: "custom", message: `not accepted: ${err.message}`, params: { code: err.code } });
}

const refineMatcher = (value: MatcherSpec, ctx: z.RefinementCtx) => {
  const problem = matcherProblem(value);
  if (problem) addProblem(ctx, problem);
};

export const matcherSyntax =
  'Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; ' +
  "`/^Wel.*/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround).";

/** A matcher in the text syntax, as query parameters carry it. */
export const MatcherText = z
  .string()
  .min(1)
  .max(MAX_VALUE_LENGTH)
  .superRefine(refineMatcher)
  .describe(matcherSyntax);

const patternDescription =
  "A regular expression, bare (`\\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: " +
  `matching time is linear, backreferences and lookaround are refused. At most ${MAX_PATTERN_LENGTH} characters.`;

/** A regular expression in the text form: `/source/flags` or a bare source. */
export const PatternText = z
  .string()
  .min(1)
  .max(MAX_PATTERN_LENGTH + 10)
  .superRefine((text, ctx) => {
    try {
      compilePatternText(text);
    } catch (err) {
      if (err instanceof MatcherError) addProblem(ctx, err);
      else throw err;
    }
  })
  .describe(patternDescription)
  .meta({ examples: ["/code:\\s*(\\d{6})/i"] });

/**
 * The members of a matcher object. Assertions spread them into their own objects
 * (`{type: "subject", contains: "Welcome"}`), so they are exported as a shape.
 */
export const matcherFields = {
  equals: z.string().max(MAX_VALUE_LENGTH).optional().describe("The whole value, exactly."),
  contains: z.string().min(1).max(MAX_VALUE_LENGTH).optional().describe("A substring, any case."),
  matches: z
    .string()
    .min(1)
    .max(MAX_PATTERN_LENGTH + 10)
    .optional()
    .describe(`${patternDescription} The value matches it somewhere.`),
  regex: z.string().min(1).max(MAX_PATTERN_LENGTH).optional().describe("A pattern's source, with `flags`."),
  flags: z.string().max(8).optional().describe("Flags of `regex`: any of i, m, s, u."),
  ignoreCase: z
    .boolean()
    .optional()
    .describe(
      "Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags.",
    ),
};

/** For objects that spread matcherFields: exactly one kind, and a usable one. */
export function refineMatcherFields(value: MatcherObjectSpec, ctx: z.RefinementCtx): void {
  refineMatcher(value, ctx);
}

export const MatcherObject = z.strictObject(matcherFields).superRefine(refineMatcherFields);

/** A matcher: the text syntax, or an object naming its kind. */
export const Matcher = z
  .union([MatcherText, MatcherObject])
  .describe(
    `${matcherSyntax} Or an object with one of equals, contains, matches (a pattern) or regex (+ flags), ` +
      "and optionally ignoreCase.",
  )
  .meta({ id: "Matcher", examples: ["Welcome", { contains: "welcome" }, { regex: "^Welcome", flags: "i" }] });
