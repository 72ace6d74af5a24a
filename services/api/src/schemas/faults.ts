import { FaultRule, MAX_FAULT_RULES } from "@sandmail/core";
import { z } from "zod";

export const PutFaultsBody = z
  .strictObject({
    rules: z
      .array(FaultRule)
      .max(MAX_FAULT_RULES)
      .describe(
        `Every rule of the run (replaces what was set before); at most ${MAX_FAULT_RULES}. An empty list clears them.`,
      ),
  })
  .describe(
    "SMTP faults this run's mail meets, and no other run's. Rules are tried in order; at each step the first rule of that stage that fires acts.",
  )
  .meta({
    examples: [
      { rules: [{ stage: "rcpt", action: "reply", code: 451, message: "Try again later", count: 1 }] },
      { rules: [{ stage: "rcpt", action: "greylist", retryAfterSeconds: 1 }] },
      { rules: [{ stage: "after-data", action: "disconnect", count: 1 }] },
      { rules: [{ stage: "mail", action: "require-tls" }] },
      { rules: [{ stage: "data", action: "reply", code: 554, probability: 0.2, seed: 7 }] },
    ],
  });

export const FaultRuleView = FaultRule.safeExtend({
  remaining: z
    .int()
    .nullable()
    .describe("What remains of `count` (null for a rule without one): the rule stops firing at 0."),
  fired: z.int().describe("How often the rule fired since it was set."),
}).meta({ id: "FaultRuleView" });

export const Faults = z.object({ rules: z.array(FaultRuleView) }).meta({
  id: "Faults",
  examples: [{ rules: [{ stage: "rcpt", action: "reply", code: 451, count: 1, remaining: 0, fired: 1 }] }],
});
