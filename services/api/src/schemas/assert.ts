import { matcherFields, PatternText, refineMatcherFields } from "@sandmail/matcher";
import { z } from "zod";
import { HtmlAssertion, LinksAssertion, SpamAssertion } from "./assert-checks.js";
import { AuthResultValue } from "./auth.js";

export const MAX_ASSERTIONS = 100;

const matcherKeys = ["equals", "contains", "matches", "regex"] as const;
function exactlyOne<K extends string>(keys: readonly K[]) {
  return (value: Partial<Record<K, unknown>>, ctx: z.RefinementCtx) => {
    const given = keys.filter((key) => value[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `give exactly one of ${keys.join(", ")}${given.length ? ` (got ${given.join(", ")})` : ""}`,
      });
    }
  };
}

const HeaderAssertion = z
  .strictObject({
    type: z.literal("header"),
    name: z
      .string()
      .min(1)
      .max(200)
      .describe("Header field name, any case; every occurrence is looked at.")
      .meta({ examples: ["List-Unsubscribe"] }),
    exists: z.boolean().optional().describe("true: the header is present; false: it is absent."),
    ...matcherFields,
  })
  .superRefine(exactlyOne(["exists", ...matcherKeys]))
  .superRefine((value, ctx) => {
    // "Exactly one" is reported above; only a lone matcher is checked as a matcher.
    if (value.exists === undefined && matcherKeys.some((k) => value[k] !== undefined))
      refineMatcherFields(value, ctx);
  })
  .describe("A top-level header: exists, or some occurrence equals / contains / matches.")
  .meta({ examples: [{ type: "header", name: "X-Campaign", contains: "spring" }] });

function textAssertion<T extends string>(type: T, what: string, example: object) {
  return z
    .strictObject({ type: z.literal(type), ...matcherFields })
    .superRefine(refineMatcherFields)
    .describe(what)
    .meta({ examples: [example] });
}

const SubjectAssertion = textAssertion("subject", "The decoded Subject.", {
  type: "subject",
  contains: "Confirm",
});
const FromAssertion = textAssertion(
  "from",
  "Some From address: `equals` compares the address (case-insensitively), `contains` and `matches` look at `Name <address>`.",
  { type: "from", equals: "no-reply@shop.example" },
);
const ToAssertion = textAssertion(
  "to",
  "Some To header address, compared like `from`. For envelope recipients (BCC) use `recipient`.",
  { type: "to", matches: "/^alice@/" },
);
const LinkAssertion = textAssertion("link", "Some extracted link's URL (see `links` in the message view).", {
  type: "link",
  contains: "/reset?token=",
});

const RecipientAssertion = z
  .strictObject({
    type: z.literal("recipient"),
    address: z
      .string()
      .min(1)
      .max(512)
      .describe("An SMTP RCPT TO address, compared case-insensitively.")
      .meta({ examples: ["audit@k3x9q2m7za.sandmail.test"] }),
  })
  .describe("The SMTP envelope named this recipient (so BCC recipients can be asserted).");

const SpfAssertion = z
  .strictObject({ type: z.literal("spf"), result: AuthResultValue })
  .describe("The SPF result of the envelope sender.");

const DkimAssertion = z
  .strictObject({
    type: z.literal("dkim"),
    result: AuthResultValue,
    domain: z.string().min(1).max(253).optional().describe("Only signatures with this d= (any case)."),
    selector: z.string().min(1).max(253).optional().describe("Only signatures with this s= (any case)."),
  })
  .describe("Some DKIM signature (of the given domain / selector, when named) has this result.")
  .meta({ examples: [{ type: "dkim", result: "pass", domain: "shop.example" }] });

const DmarcAssertion = z
  .strictObject({ type: z.literal("dmarc"), result: AuthResultValue })
  .describe("The DMARC result of the From domain.");

const ArcAssertion = z
  .strictObject({ type: z.literal("arc"), result: AuthResultValue })
  .describe("The result of the ARC chain.");

const CodeAssertion = z
  .strictObject({
    type: z.literal("code"),
    value: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("This exact code (as in `codes[].value`); any code when left out."),
  })
  .describe("A one-time code was found (see `codes` in the message view).")
  .meta({ examples: [{ type: "code" }, { type: "code", value: "482913" }] });

const AttachmentAssertion = z
  .strictObject({
    type: z.literal("attachment"),
    filename: z.string().min(1).max(512).optional().describe("The exact filename."),
    matches: PatternText.optional().describe("A regular expression the filename matches."),
    contentType: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("And this content type (any case, parameters ignored).")
      .meta({ examples: ["application/pdf"] }),
  })
  .superRefine(exactlyOne(["filename", "matches"]))
  .describe("Some attachment has this filename (and content type, when given).")
  .meta({ examples: [{ type: "attachment", filename: "invoice.pdf", contentType: "application/pdf" }] });

export const Assertion = z
  .discriminatedUnion("type", [
    HeaderAssertion,
    SubjectAssertion,
    FromAssertion,
    ToAssertion,
    RecipientAssertion,
    SpfAssertion,
    DkimAssertion,
    DmarcAssertion,
    ArcAssertion,
    LinkAssertion,
    CodeAssertion,
    AttachmentAssertion,
    HtmlAssertion,
    LinksAssertion,
    SpamAssertion,
  ])
  .meta({ id: "Assertion" });

export type AssertionInput = z.infer<typeof Assertion>;
export type AssertionOf<T extends AssertionInput["type"]> = Extract<AssertionInput, { type: T }>;

export const AssertBody = z
  .strictObject({
    assertions: z.array(Assertion).min(1).max(MAX_ASSERTIONS),
  })
  .meta({
    examples: [
      {
        assertions: [
          { type: "subject", contains: "verification code" },
          { type: "dkim", result: "pass", domain: "shop.example" },
          { type: "spf", result: "pass" },
          { type: "code" },
          { type: "recipient", address: "audit@k3x9q2m7za.sandmail.test" },
        ],
      },
    ],
  });

export const AssertionResult = z
  .object({
    assertion: Assertion.describe("The assertion as given."),
    pass: z.boolean(),
    actual: z
      .unknown()
      .describe("What the message had instead (or what satisfied the assertion): values, results, names."),
    message: z
      .string()
      .describe("One line for a CI log.")
      .meta({ examples: ['subject is "Welcome", not containing "code"'] }),
  })
  .meta({ id: "AssertionResult" });

export const AssertResult = z
  .object({
    pass: z.boolean().describe("Every assertion passed."),
    results: z.array(AssertionResult).describe("One per assertion, in the order given."),
  })
  .meta({
    id: "AssertResult",
    examples: [
      {
        pass: false,
        results: [
          {
            assertion: { type: "spf", result: "pass" },
            pass: false,
            actual: { result: "fail", domain: "shop.example" },
            message: 'spf is "fail", expected "pass"',
          },
        ],
      },
    ],
  });
