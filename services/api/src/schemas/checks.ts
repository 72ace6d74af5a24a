import { ALL_CLIENTS } from "@sandmail/checks";
import { z } from "zod";

const Support = z.enum(["yes", "partial", "no"]);

export const HtmlCheckQuery = z.object({
  clients: z
    .string()
    .max(2000)
    .optional()
    .describe(
      "Comma-separated email clients to check against: a family (`gmail`, `outlook`, `apple-mail`, ...), one client " +
        "(`outlook.windows`) or `*`. Default: every client in the caniemail data.",
    )
    .meta({ examples: ["gmail,outlook,apple-mail"] }),
});

export const FeatureWarning = z
  .object({
    feature: z
      .string()
      .describe(
        "caniemail's feature slug (`css-display-flex`), or `sandmail-...` for sandmail's own template checks.",
      ),
    title: z.string(),
    url: z
      .string()
      .nullable()
      .describe("The caniemail.com page with the clients' notes; null for sandmail's own checks."),
    support: z
      .partialRecord(z.enum(ALL_CLIENTS), Support)
      .describe("The chosen clients that do not fully support it; a client not listed supports it."),
    count: z.number().int().describe("How many places in the HTML use it."),
  })
  .meta({
    id: "FeatureWarning",
    examples: [
      {
        feature: "css-display-flex",
        title: "display:flex",
        url: "https://www.caniemail.com/features/css-display-flex/",
        support: { "outlook.windows": "no", "gmail.ios": "partial" },
        count: 2,
      },
    ],
  });

export const HtmlCheckResult = z
  .object({
    score: z
      .number()
      .int()
      .describe(
        "0-100: the share of (feature, client) pairs supported among the features some chosen client lacks " +
          "(partial counts half); 100 when every chosen client supports everything the message uses.",
      ),
    clients: z.array(z.enum(ALL_CLIENTS)).describe("The clients checked."),
    warnings: z.array(FeatureWarning),
  })
  .meta({
    id: "HtmlCheck",
    examples: [
      {
        score: 71,
        clients: ["outlook.windows", "gmail.desktop-webmail"],
        warnings: [
          {
            feature: "css-display-flex",
            title: "display:flex",
            url: "https://www.caniemail.com/features/css-display-flex/",
            support: { "outlook.windows": "no" },
            count: 1,
          },
          {
            feature: "sandmail-img-missing-alt",
            title: "<img> without alt text",
            url: null,
            support: {},
            count: 2,
          },
        ],
      },
    ],
  });

export const LinkCheckQuery = z.object({
  images: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .describe("Also check `<img src>` URLs."),
});

export const LinkResult = z
  .object({
    url: z.string(),
    status: z.number().int().nullable().describe("The last HTTP status; null when no answer came."),
    finalUrl: z.string().nullable().describe("Where the redirects ended."),
    redirects: z
      .array(z.object({ url: z.string(), status: z.number().int() }))
      .describe("Each redirect, in order."),
    durationMs: z.number().int(),
    error: z
      .string()
      .nullable()
      .describe(
        "Why there is no healthy answer: timeout, redirect loop, refused address, DNS ...; null otherwise.",
      ),
  })
  .meta({ id: "LinkResult" });

export const LinkCheckResult = z
  .object({
    links: z.array(LinkResult),
    ok: z.boolean().describe("Every link answered below 400 with no error."),
  })
  .meta({
    id: "LinkCheck",
    examples: [
      {
        ok: false,
        links: [
          {
            url: "https://shop.example/confirm?t=Zk2Lq9",
            status: 200,
            finalUrl: "https://shop.example/welcome",
            redirects: [{ url: "https://shop.example/confirm?t=Zk2Lq9", status: 302 }],
            durationMs: 41,
            error: null,
          },
          {
            url: "https://shop.example/old",
            status: 404,
            finalUrl: "https://shop.example/old",
            redirects: [],
            durationMs: 12,
            error: null,
          },
        ],
      },
    ],
  });

export const SpamCheckResult = z
  .object({
    engine: z.enum(["spamassassin", "rspamd"]),
    score: z.number(),
    threshold: z.number(),
    isSpam: z.boolean(),
    rules: z.array(z.object({ name: z.string(), score: z.number(), description: z.string() })),
  })
  .meta({
    id: "SpamCheck",
    examples: [
      {
        engine: "spamassassin",
        score: 1002.3,
        threshold: 5,
        isSpam: true,
        rules: [{ name: "GTUBE", score: 1000, description: "BODY: Generic Test for Unsolicited Bulk Email" }],
      },
    ],
  });
