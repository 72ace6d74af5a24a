import type { HttpClient } from "./http.js";

/** What a run's objects (the run itself, its messages) need to talk to the server. */
export interface RunContext {
  readonly http: HttpClient;
  readonly runId: string;
  readonly token: string;
}

/** `/v1/runs/{run}` followed by `suffix`. */
export function runPath(ctx: RunContext, suffix = ""): string {
  return `/v1/runs/${encodeURIComponent(ctx.runId)}${suffix}`;
}
