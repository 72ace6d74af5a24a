import { type RunContext, runPath } from "./context.js";
import type { FaultRule, FaultRuleView } from "./types.js";

/**
 * The run's SMTP fault rules (`run.faults`): failures this run's mail meets, and no other
 * run's. `set` replaces every rule and restarts counts, seeded draws and greylisting.
 */
export class RunFaults {
  readonly #ctx: RunContext;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  /** Replaces the run's rules; resolves with them as kept (seeds filled in) and their counters. */
  async set(rules: FaultRule[]): Promise<FaultRuleView[]> {
    return this.#call("PUT", { rules });
  }

  /** The rules with what remains of each `count` and how often each fired. */
  async get(): Promise<FaultRuleView[]> {
    return this.#call("GET");
  }

  /** Removes every rule. */
  async clear(): Promise<void> {
    await this.#call("DELETE");
  }

  async #call(method: "GET" | "PUT" | "DELETE", body?: unknown): Promise<FaultRuleView[]> {
    const res = await this.#ctx.http.json<{ rules: FaultRuleView[] }>({
      method,
      path: runPath(this.#ctx, "/faults"),
      token: this.#ctx.token,
      ...(body === undefined ? {} : { body }),
    });
    return res.rules;
  }
}
