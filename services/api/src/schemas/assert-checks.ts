import { z } from "zod";

/** Assertions over the message checks (GET/POST .../checks/*), evaluated by running the check. */
export const HtmlAssertion = z
  .strictObject({
    type: z.literal("html"),
    clients: z
      .array(z.string().min(1).max(64))
      .max(64)
      .optional()
      .describe(
        "Email clients as in `GET .../checks/html?clients=` (families or family.platform); default every client.",
      ),
    maxWarnings: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("At most this many warnings (features some client lacks, and sandmail's template checks)."),
  })
  .describe("The HTML check finds at most `maxWarnings` warnings for these clients.")
  .meta({ examples: [{ type: "html", clients: ["gmail", "outlook", "apple-mail"], maxWarnings: 3 }] });

export const LinksAssertion = z
  .strictObject({
    type: z.literal("links"),
    allOk: z.literal(true).describe("Every link answers below 400 (after redirects) with no error."),
    images: z.boolean().optional().describe("Check `<img src>` URLs too."),
  })
  .describe("Every extracted link is healthy (see `POST .../checks/links`).")
  .meta({ examples: [{ type: "links", allOk: true }] });

export const SpamAssertion = z
  .strictObject({
    type: z.literal("spam"),
    maxScore: z.number().describe("The spam engine's score is at most this."),
  })
  .describe("The configured spam engine scores the message at most `maxScore` (501 when none is configured).")
  .meta({ examples: [{ type: "spam", maxScore: 2.5 }] });
