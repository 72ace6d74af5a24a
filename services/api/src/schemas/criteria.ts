import { MAX_VALUE_LENGTH, Matcher, MatcherText, matcherSyntax } from "@sandmail/matcher";
import { z } from "zod";
import { headerProblem } from "../wait/criteria.js";

/*
 * Message criteria, shared by the wait and list routes: in a query string every criterion is a
 * string; in a JSON body it may also be an object naming its kind.
 */

const refineHeader = (value: Parameters<typeof headerProblem>[0], ctx: z.RefinementCtx) => {
  const problem = headerProblem(value);
  if (problem)
    ctx.addIssue({
      code: "custom",
      message: `not accepted: ${problem.message}`,
      params: { code: problem.code },
    });
};

const HeaderText = z
  .string()
  .min(1)
  .max(MAX_VALUE_LENGTH)
  .superRefine(refineHeader)
  .describe(
    "`Name: value`, the value in the string criterion syntax (`X-Campaign: spring`, `X-Campaign: /^spr/`); " +
      "`Name` alone asks only that the field exists.",
  );

const HeaderObject = z
  .strictObject({
    name: z.string().min(1).max(200).describe("The header field name, any case."),
    value: Matcher.optional().describe("Absent: the field only has to exist."),
  })
  .superRefine(refineHeader);

export const HeaderCriterion = z.union([HeaderText, HeaderObject]).meta({
  id: "HeaderCriterion",
  examples: ["X-Campaign: spring", { name: "X-Campaign", value: { equals: "spring" } }],
});

const queryBool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const after = z
  .int()
  .min(0)
  .describe("A run cursor: only messages with a larger `seq` (pass the `cursor` of the previous wait).")
  .meta({ examples: [42] });

const stringCriteriaDocs = {
  to: "A recipient: To and Cc addresses and names, the SMTP envelope (so BCC counts) and the inbox address. Exact values ignore case.",
  from: "The sender: From addresses and names, and the envelope MAIL FROM. Exact values ignore case.",
  subject: "The decoded subject.",
  text: "The body: the text part, the HTML part, or the HTML as rendered text.",
} as const;

/** Criteria as query parameters (the list route adds its own `inbox` and `mailbox`). */
export const criteriaQueryShape = {
  to: MatcherText.optional()
    .describe(`${stringCriteriaDocs.to} ${matcherSyntax}`)
    .meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] }),
  from: MatcherText.optional()
    .describe(`${stringCriteriaDocs.from} ${matcherSyntax}`)
    .meta({ examples: ["no-reply@shop.example"] }),
  subject: MatcherText.optional()
    .describe(`${stringCriteriaDocs.subject} ${matcherSyntax}`)
    .meta({ examples: ["Welcome", '"Welcome!"', "/^Wel.*/i"] }),
  text: MatcherText.optional()
    .describe(`${stringCriteriaDocs.text} ${matcherSyntax}`)
    .meta({ examples: ["verification code"] }),
  header: z
    .union([HeaderText, z.array(HeaderText).max(20)])
    .optional()
    .describe("A header field with a value (`X-Campaign: spring`); repeat the parameter to require several.")
    .meta({ examples: ["X-Campaign: spring"] }),
  unread: queryBool.optional().describe("true: only messages without \\Seen; false: only read ones."),
  after: z.coerce
    .number()
    .pipe(after)
    .optional()
    .describe(after.description ?? ""),
};

export const inboxCriterion = z
  .string()
  .min(1)
  .max(512)
  .describe("Only mail of this inbox address (any case).")
  .meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] });

export const mailboxCriterion = z
  .string()
  .min(1)
  .max(512)
  .describe("Only mail in this folder (e.g. INBOX, Trash); across all inboxes unless `inbox` is given.")
  .meta({ examples: ["INBOX"] });

/** Criteria as JSON members. */
export const criteriaBodyShape = {
  to: Matcher.optional().describe(stringCriteriaDocs.to),
  from: Matcher.optional().describe(stringCriteriaDocs.from),
  subject: Matcher.optional().describe(stringCriteriaDocs.subject),
  text: Matcher.optional().describe(stringCriteriaDocs.text),
  header: z
    .union([HeaderCriterion, z.array(HeaderCriterion).max(20)])
    .optional()
    .describe("One header criterion, or a list that must all match."),
  inbox: inboxCriterion.optional(),
  mailbox: mailboxCriterion.optional(),
  unread: z.boolean().optional().describe("true: only messages without \\Seen; false: only read ones."),
  after: after.optional(),
};
