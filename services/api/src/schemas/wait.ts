import { z } from "zod";
import { criteriaBodyShape, criteriaQueryShape, inboxCriterion, mailboxCriterion } from "./criteria.js";
import { MessageDetail, MessageSummary } from "./messages.js";
import { Problem } from "./problem.js";

export const DEFAULT_WAIT_MS = 10_000;
export const MAX_WAIT_COUNT = 500;

/** The wait controls; their documented default and cap come from configuration, hence a factory. */
function controls(maxWaitMs: number, coerce: boolean) {
  const int = coerce ? z.coerce.number().int() : z.int();
  const defaultMs = Math.min(DEFAULT_WAIT_MS, maxWaitMs);
  return {
    count: int
      .min(1)
      .max(MAX_WAIT_COUNT)
      .optional()
      .describe(`How many matching messages to wait for; default 1, at most ${MAX_WAIT_COUNT}.`)
      .meta({ examples: [1] }),
    timeout: int
      .min(0)
      .optional()
      .describe(
        `How long to wait in ms; default ${defaultMs}, capped at ${maxWaitMs} (SANDMAIL_MAX_WAIT_MS). ` +
          "0 looks at stored mail only.",
      )
      .meta({ examples: [10000] }),
    expect: z
      .enum(["some", "none"])
      .optional()
      .describe(
        "`none` for negative tests: 200 with no messages when nothing matched within the timeout, " +
          "409 `unexpected_message` as soon as something does.",
      ),
  };
}

export function waitQuery(maxWaitMs: number) {
  return z.strictObject({
    inbox: inboxCriterion.optional(),
    mailbox: mailboxCriterion.optional(),
    ...criteriaQueryShape,
    ...controls(maxWaitMs, true),
  });
}

export function waitBody(maxWaitMs: number) {
  return z
    .strictObject({ ...criteriaBodyShape, ...controls(maxWaitMs, false) })
    .describe("Criteria and wait controls; every member is optional, all criteria given must match.")
    .meta({
      examples: [
        { to: "alice@k3x9q2m7za.sandmail.test", subject: { regex: "^Welcome", flags: "i" }, timeout: 5000 },
        { header: "X-Campaign: spring", after: 42, count: 2 },
      ],
    });
}

export const WaitResult = z
  .object({
    messages: z.array(MessageDetail).describe("The matching messages, oldest first (arrival order)."),
    cursor: z
      .int()
      .describe(
        "The highest `seq` returned (with `expect=none`: the highest looked at). Pass it as `after` to wait for the next.",
      ),
  })
  .meta({ id: "WaitResult" });

export const MessageBrief = z
  .object({
    seq: z.int(),
    id: z.string(),
    subject: z.string(),
    from: z.string().nullable().describe("The first From address."),
    to: z.array(z.string()).describe("To addresses."),
    inbox: z.string(),
    mailbox: z.string(),
    receivedAt: z.string(),
  })
  .meta({ id: "MessageBrief" });

export const WaitTimeoutProblem = Problem.extend({
  wanted: z.int().describe("`count` of the request."),
  matched: z.int().describe("How many matched before the timeout."),
  criteria: z.string().describe("The criteria, in words."),
  timeoutMs: z.int(),
  after: z.int().describe("The cursor the wait started from."),
  matchedMessages: z.array(MessageBrief).describe("Those that did match, oldest first."),
  unmatchedCount: z.int().describe("How many messages after the cursor did not match."),
  unmatched: z.array(MessageBrief).describe("The latest of those, newest first (at most 10)."),
}).meta({
  id: "WaitTimeoutProblem",
  examples: [
    {
      type: "urn:sandmail:problem:wait_timeout",
      title: "Wait timed out",
      status: 408,
      code: "wait_timeout",
      detail:
        '0 of 1 message(s) matched subject contains "Welcome" within 10000 ms; 1 other message arrived, latest: #7 "Reset your password" to bob@k3x9q2m7za.sandmail.test',
      instance: "/v1/runs/k3x9q2m7za/messages/wait",
      wanted: 1,
      matched: 0,
      criteria: 'subject contains "Welcome"',
      timeoutMs: 10000,
      after: 0,
      matchedMessages: [],
      unmatchedCount: 1,
      unmatched: [
        {
          seq: 7,
          id: "7",
          subject: "Reset your password",
          from: "no-reply@shop.example",
          to: ["bob@k3x9q2m7za.sandmail.test"],
          inbox: "bob@k3x9q2m7za.sandmail.test",
          mailbox: "INBOX",
          receivedAt: "2026-03-01T12:00:00.000Z",
        },
      ],
    },
  ],
});

export const UnexpectedMessageProblem = Problem.extend({
  criteria: z.string().describe("The criteria, in words."),
  message: MessageSummary.describe("The message that matched."),
  cursor: z.int().describe("Its seq."),
}).meta({ id: "UnexpectedMessageProblem" });

export const waitProblemResponses = {
  408: {
    description: "Not enough messages matched in time; says what came instead.",
    content: { "application/problem+json": { schema: WaitTimeoutProblem } },
  },
  409: {
    description: "With `expect=none`: a message matched.",
    content: { "application/problem+json": { schema: UnexpectedMessageProblem } },
  },
};
