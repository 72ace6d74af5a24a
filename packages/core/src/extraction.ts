/*
 * What extraction finds in a message (links, one-time codes, pattern matches): computed by the
 * mime package, served by the API, asserted on by the SDK. The zod schemas are the one
 * definition; the types are inferred from them (as auth-results.ts does for authentication).
 */
import { z } from "zod";

export const LinkSource = z.enum(["html", "text"]);
export type LinkSource = z.infer<typeof LinkSource>;

export const ExtractedLink = z
  .object({
    url: z
      .string()
      .describe("The URL as written (HTML entities decoded); tracking redirects are not unwrapped."),
    text: z
      .string()
      .optional()
      .describe(
        "Anchor text of the first HTML link with this URL, whitespace-collapsed; image alt text when the " +
          "anchor holds only an image.",
      ),
    sources: z.array(LinkSource).describe("Every part the URL appeared in, `html` before `text`."),
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
export type ExtractedLink = z.infer<typeof ExtractedLink>;

/** Which part of the message a code or pattern was found in (`html` is the markup as written). */
export const CodeSource = z.enum(["subject", "text", "html"]);
export type CodeSource = z.infer<typeof CodeSource>;
export type PatternSource = CodeSource;

export const ExtractedCode = z
  .object({
    value: z
      .string()
      .describe(
        "The code as it should be typed: separators removed from digit codes (`123 456` -> `123456`), spaces " +
          "removed from alphanumeric ones (a dash is kept).",
      ),
    raw: z.string().describe("The code exactly as written at its best-scoring occurrence."),
    source: CodeSource.describe("Part of the best-scoring occurrence."),
    sources: z
      .array(CodeSource)
      .describe("Every part the code appeared in, in the order subject, text, html."),
    context: z.string().describe("Text around the best-scoring occurrence, on one line."),
    score: z
      .number()
      .describe(
        "0..1, how likely this is the message's one-time code; the list is sorted by it, highest first.",
      ),
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
export type ExtractedCode = z.infer<typeof ExtractedCode>;

export const PatternMatch = z
  .object({
    match: z.string().describe("The whole match."),
    groups: z
      .array(z.string().nullable())
      .describe("Positional capture groups 1..n; null when a group did not take part."),
    namedGroups: z
      .record(z.string(), z.string().nullable())
      .optional()
      .describe("Named capture groups, when the pattern has any."),
    source: CodeSource.describe("Where it matched: subject, text part, or the HTML markup as written."),
    index: z
      .number()
      .int()
      .describe("Offset of the match in that part (UTF-16 code units, as JavaScript strings count)."),
  })
  .meta({ id: "PatternMatch" });
export type PatternMatch = z.infer<typeof PatternMatch>;
