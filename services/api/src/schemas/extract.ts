import { PatternMatch } from "@sandmail/core";
import { MAX_PATTERN_LENGTH, PatternText } from "@sandmail/matcher";
import { MAX_PATTERN_MATCHES } from "@sandmail/mime";
import { z } from "zod";

export { ExtractedCode, ExtractedLink, PatternMatch } from "@sandmail/core";

export const ExtractQuery = z.strictObject({
  pattern: PatternText.describe(
    "A regular expression, either bare (`reset\\?token=([\\w-]+)`) or as a literal with flags (`/code: (\\d+)/i`), " +
      `in RE2 syntax (linear matching time; no backreferences or lookaround). At most ${MAX_PATTERN_LENGTH} characters.`,
  ).meta({ examples: ["token=(?<token>[A-Za-z0-9_-]+)", "/code:\\s*(\\d{6})/i"] }),
});

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
