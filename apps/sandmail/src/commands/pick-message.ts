import type { Message, Run } from "@sandmail/sdk";
import { criteriaFrom, positiveInt } from "./client-options.js";

/** The flags that name one message: --id, or the newest matching the criteria within --timeout. */
export const pickFlags = {
  id: { type: "string" },
  timeout: { type: "string" },
  after: { type: "string" },
} as const;

/** The message --id names, or else the newest one matching the criteria, waited for up to --timeout. */
export async function pickMessage(run: Run, values: Record<string, unknown>): Promise<Message> {
  if (typeof values.id === "string") return run.message(values.id);
  const timeout = positiveInt(values.timeout, "timeout") ?? 10_000;
  const after = positiveInt(values.after, "after") ?? 0;
  return run.waitForMessage(criteriaFrom(values), { timeout, after });
}
