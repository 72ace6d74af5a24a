import type { SessionSummary, SessionTranscript, TranscriptLimits } from "@sandmail/core";
import { summaryOf } from "../shared/sessions.js";

/**
 * A run's transcript ring: finished sessions, oldest first, within a count and a byte budget.
 * The newest session is always kept, whatever its size (the recorder bounds each session).
 */
export class SessionRing {
  #sessions: SessionTranscript[] = [];
  #bytes = 0;

  add(session: SessionTranscript, limits: TranscriptLimits): void {
    this.#sessions.push(structuredClone(session));
    this.#bytes += session.bytes;
    let drop = 0;
    while (
      this.#sessions.length - drop > 1 &&
      (this.#sessions.length - drop > limits.maxSessions || this.#bytes > limits.maxBytes)
    ) {
      this.#bytes -= this.#sessions[drop]!.bytes;
      drop++;
    }
    if (drop > 0) this.#sessions.splice(0, drop);
  }

  /** Newest first. */
  list(): SessionSummary[] {
    const out: SessionSummary[] = [];
    for (let i = this.#sessions.length - 1; i >= 0; i--) out.push(summaryOf(this.#sessions[i]!));
    return out;
  }

  get(sessionId: string): SessionTranscript | undefined {
    const found = this.#sessions.find((s) => s.id === sessionId);
    return found ? structuredClone(found) : undefined;
  }
}
