/*
 * SMTP fault injection rules of a run (PUT /v1/runs/{run}/faults): the zod schemas are the one
 * definition, the types are inferred from them. They live in core because the store keeps the
 * rules, the SMTP service applies them and the API serves the schemas.
 */
import { z } from "zod";
import { SandmailError } from "./errors.js";

export const FAULT_STAGES = ["connect", "mail", "rcpt", "data", "after-data"] as const;
export const FAULT_ACTIONS = ["reply", "delay", "disconnect", "greylist", "require-tls"] as const;
export const MAX_FAULT_RULES = 20;
/** A delay holds one SMTP reply; bounded so a rule cannot hold a connection past clients' timeouts. */
export const MAX_FAULT_DELAY_MS = 120_000;

/**
 * The generator behind `probability`: the Park-Miller "minimal standard" generator (x * 16807
 * mod 2^31-1). Chosen because every step is exact in IEEE doubles, so the Redis store's Lua
 * (numbers are doubles there) and the memory store draw the very same sequence from one seed.
 */
export const FAULT_RNG_MODULUS = 2_147_483_647;
export const FAULT_RNG_MULTIPLIER = 16_807;

/** The next state of the generator; a draw fires when `state / FAULT_RNG_MODULUS < probability`. */
export function nextFaultRngState(state: number): number {
  return (state * FAULT_RNG_MULTIPLIER) % FAULT_RNG_MODULUS;
}

/**
 * The generator's first state for a seed. Small seeds would start the minimal-standard
 * generator with tiny draws (seed 1 draws 0.0000078 first), so the seed is scrambled first
 * (a 32-bit integer hash), then mapped into 1..2^31-2.
 */
export function faultRngStart(seed: number): number {
  let h = Math.floor(seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return 1 + (h % (FAULT_RNG_MODULUS - 1));
}

/** Which actions make sense at which stage (greylisting is per sender and recipient: RCPT). */
const ACTIONS_AT: Record<FaultStage, ReadonlySet<FaultAction>> = {
  connect: new Set(["reply", "delay", "disconnect"]),
  mail: new Set(["reply", "delay", "disconnect", "require-tls"]),
  rcpt: new Set(["reply", "delay", "disconnect", "greylist", "require-tls"]),
  data: new Set(["reply", "delay", "disconnect"]),
  "after-data": new Set(["reply", "delay", "disconnect"]),
};

export const FaultStage = z
  .enum(FAULT_STAGES)
  .describe(
    "Where in the SMTP session the rule acts. `connect`: the reply to a successful AUTH as the run (the first moment a session is known to be the run's). " +
      "`mail`: MAIL FROM of a session authenticated as the run. `rcpt`: RCPT TO of one of the run's recipients. " +
      "`data`: the DATA command (before the message is sent). `after-data`: the message has been received, before the reply. " +
      "`data` and `after-data` act only when every recipient of the message is the run's.",
  );
export type FaultStage = z.infer<typeof FaultStage>;

export const FaultAction = z
  .enum(FAULT_ACTIONS)
  .describe(
    "`reply`: answer `code` with `message` (a 421 also closes the connection). `delay`: wait `delayMs`, then go on. " +
      "`disconnect`: close the connection without a reply (at `after-data` the message is stored first). " +
      "`greylist` (rcpt only): the first attempt per sender and recipient gets 451, a retry `retryAfterSeconds` later is accepted. " +
      "`require-tls` (mail, rcpt): `530 5.7.0` unless the session is TLS (STARTTLS or implicit TLS).",
  );
export type FaultAction = z.infer<typeof FaultAction>;

export const FaultRule = z
  .strictObject({
    stage: FaultStage,
    action: FaultAction,
    code: z
      .int()
      .min(400)
      .max(599)
      .optional()
      .describe(
        "Reply code for `reply` (required there), e.g. 421, 451, 452, 550, 552, 554. The enhanced status code follows from it (451 -> 4.3.0, 452 -> 4.2.2, 550 -> 5.1.1, 552 -> 5.2.2, 554 -> 5.6.0).",
      ),
    message: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x20-\x7e]+$/, "printable ASCII")
      .optional()
      .describe("Reply text for `reply`; a default names the fault."),
    delayMs: z
      .int()
      .min(0)
      .max(MAX_FAULT_DELAY_MS)
      .optional()
      .describe(`Wait for \`delay\` (required there), at most ${MAX_FAULT_DELAY_MS} ms.`),
    count: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe("Fire for the next `count` matching transactions only; without it, for every one."),
    probability: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe("Fire for this share of matching transactions, drawn from a generator seeded with `seed`."),
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional()
      .describe(
        "Seed of the `probability` draws: the same seed gives the same sequence. Chosen at random (and shown) when absent.",
      ),
    retryAfterSeconds: z
      .int()
      .min(0)
      .max(86_400)
      .optional()
      .describe(
        "For `greylist`: how long after the first attempt a retry is accepted (default 60; 0 = any retry).",
      ),
  })
  .superRefine((rule, ctx) => {
    if (!ACTIONS_AT[rule.stage].has(rule.action)) {
      const allowed = [...ACTIONS_AT[rule.stage]].join(", ");
      ctx.addIssue({
        code: "custom",
        path: ["action"],
        message: `at stage ${rule.stage} the action is one of ${allowed}`,
      });
    }
    if (rule.action === "reply" && rule.code === undefined) {
      ctx.addIssue({ code: "custom", path: ["code"], message: "a reply rule needs a code" });
    }
    if (rule.action === "delay" && rule.delayMs === undefined) {
      ctx.addIssue({ code: "custom", path: ["delayMs"], message: "a delay rule needs delayMs" });
    }
  })
  .meta({
    id: "FaultRule",
    examples: [{ stage: "rcpt", action: "reply", code: 451, count: 1 }],
  });
export type FaultRule = z.infer<typeof FaultRule>;

/** A rule as kept and shown: its seed filled in, what is left of its count, how often it fired. */
export interface FaultRuleState extends FaultRule {
  /** What remains of `count`; null for a rule without one. */
  remaining: number | null;
  fired: number;
}

/** The rules the SMTP service applies; `generation` changes with every PUT or DELETE. */
export interface ActiveFaults {
  generation: number;
  rules: FaultRule[];
}

/** The default wait of a greylisting rule, as many greylisting servers use. */
export const DEFAULT_GREYLIST_SECONDS = 60;

export const FaultRules = z.array(FaultRule).max(MAX_FAULT_RULES);

/** The rules checked against the schema; anything else is an `invalid_request`. */
export function checkFaultRules(rules: unknown): FaultRule[] {
  const parsed = FaultRules.safeParse(rules);
  if (!parsed.success) {
    throw new SandmailError("invalid_request", `invalid fault rules: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
