import { MAX_PATTERN_LENGTH, PatternText } from "@sandmail/matcher";
import { MAX_PATTERN_MATCHES } from "@sandmail/mime";
import { z } from "zod";

export const ExtractedLink = z
  .object({
    url: z.string().describe("The URL as written (HTML entities decoded); redirects are not unwrapped."),
    text: z
      .string()
      .optional()
      .describe("Anchor text (or image alt text) of the first HTML link with this URL."),
    sources: z.array(z.enum(["html", "text"])).describe("Every part the URL appeared in."),
  })
  .meta({
    id: "ExtractedLink",
    examples: [
      {
        url: "https://shop.example/confirm?t=Zk2Lq9",
        text: "Confirm your address",
        sources: ["html", "text"],
      },
    ],
  });

const CodeSource = z.enum(["subject", "text", "html"]);

export const ExtractedCode = z
  .object({
    value: z.string().describe("The code as it should be typed (digit-group separators removed)."),
    raw: z.string().describe("The code exactly as written."),
    source: CodeSource.describe("Part of the best-scoring occurrence."),
    sources: z.array(CodeSource).describe("Every part the code appeared in."),
    context: z.string().describe("Text around the best-scoring occurrence."),
    score: z.number().describe("0..1, how likely this is the one-time code; the list is sorted by it."),
  })
  .meta({
    id: "ExtractedCode",
    examples: [
      {
        value: "482913",
        raw: "482 913",
        source: "html",
        sources: ["subject", "html"],
        context: "Your verification code is 482 913. It expires in 10 minutes.",
        score: 0.9,
      },
    ],
  });

export const ExtractQuery = z.strictObject({
  pattern: PatternText.describe(
    "A regular expression, either bare (`reset\\?token=([\\w-]+)`) or as a literal with flags (`/code: (\\d+)/i`), " +
      `in RE2 syntax (linear matching time; no backreferences or lookaround). At most ${MAX_PATTERN_LENGTH} characters.`,
  ).meta({ examples: ["token=(?<token>[A-Za-z0-9_-]+)", "/code:\\s*(\\d{6})/i"] }),
});

export const PatternMatch = z
  .object({
    match: z.string().describe("The whole match."),
    groups: z
      .array(z.string().nullable())
      .describe("Capture groups 1..n; null when a group did not take part."),
    namedGroups: z.record(z.string(), z.string().nullable()).optional().describe("Named groups, when any."),
    source: CodeSource.describe("Where it matched: subject, text part, or the HTML markup as written."),
    index: z.number().int().describe("Offset of the match in that part (UTF-16 code units)."),
  })
  .meta({ id: "PatternMatch" });

export const ExtractResult = z
  .object({
    matches: z
      .array(PatternMatch)
      .describe(`Every match in subject, text and HTML, in that order; at most ${MAX_PATTERN_MATCHES}.`),
  })
  .meta({
    id: "ExtractResult",
    examples: [
      {
        matches: [
          {
            match: "token=Zk2Lq9",
            groups: ["Zk2Lq9"],
            namedGroups: { token: "Zk2Lq9" },
            source: "html",
            index: 412,
          },
        ],
      },
    ],
  });
