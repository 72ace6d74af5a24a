import { type RunContext, runPath } from "./context.js";
import type { SessionSummary, SessionTranscript } from "./types.js";

/**
 * The run's protocol transcripts: SMTP, IMAP and POP3 sessions that touched the run, kept once
 * they end (the newest 200 by default). Bodies and literals appear as their size, passwords and
 * AUTH data as `[redacted]`.
 */
export class RunSessions {
  readonly #ctx: RunContext;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  /** The sessions kept, newest first, without their lines. */
  async list(): Promise<SessionSummary[]> {
    const res = await this.#ctx.http.json<{ sessions: SessionSummary[] }>({
      method: "GET",
      path: runPath(this.#ctx, "/sessions"),
      token: this.#ctx.token,
    });
    return res.sessions;
  }

  /** One session with its lines. Rejects with NotFoundError (`session_not_found`) for an id not kept. */
  get(id: string): Promise<SessionTranscript> {
    return this.#ctx.http.json<SessionTranscript>({
      method: "GET",
      path: this.#path(id),
      token: this.#ctx.token,
    });
  }

  /** One session as a plain-text transcript (`<time> C: ...` / `<time> S: ...`). */
  text(id: string): Promise<string> {
    return this.#ctx.http.text({
      method: "GET",
      path: this.#path(id),
      token: this.#ctx.token,
      accept: "text/plain",
    });
  }

  #path(id: string): string {
    return runPath(this.#ctx, `/sessions/${encodeURIComponent(id)}`);
  }
}
