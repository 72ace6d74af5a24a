import {
  type ByteBudget,
  type SessionSummary,
  type SessionTranscript,
  storageFull,
  type TranscriptLimits,
} from "@sandmail/core";
import { summaryOf } from "../shared/sessions.js";

/**
 * A run's transcript ring: finished sessions, oldest first, within a count and a byte budget.
 * The newest session is always kept, whatever its size (the recorder bounds each session). The
 * ring takes the session handed to `add` as it is (the recorder builds it for the store and never
 * touches it again: a deep copy per session would cost more than recording it) and hands out
 * copies.
 */
export class SessionRing {
  #sessions: SessionTranscript[] = [];
  #bytes = 0;

  /**
   * Keeps the session, charging its bytes to the process's memory budget when there is one: past
   * the budget it fails with `storage_full` (mail comes first; the recorder drops the transcript).
   */
  add(session: SessionTranscript, limits: TranscriptLimits, budget?: ByteBudget): void {
    if (budget && !budget.tryReserve(session.bytes)) throw storageFull(budget.limit);
    this.#sessions.push(session);
    this.#bytes += session.bytes;
    let drop = 0;
    while (
      this.#sessions.length - drop > 1 &&
      (this.#sessions.length - drop > limits.maxSessions || this.#bytes > limits.maxBytes)
    ) {
      this.#bytes -= this.#sessions[drop]!.bytes;
      drop++;
    }
    if (drop > 0) {
      budget?.release(this.#sessions.slice(0, drop).reduce((n, s) => n + s.bytes, 0));
      this.#sessions.splice(0, drop);
    }
  }

  /** Forgets every session (the run is gone), giving their bytes back to the budget. */
  clear(budget?: ByteBudget): void {
    budget?.release(this.#bytes);
    this.#sessions = [];
    this.#bytes = 0;
  }

  /** Newest first. */
  list(): SessionSummary[] {
    const out: SessionSummary[] = [];
    for (let i = this.#sessions.length - 1; i >= 0; i--) out.push(summaryOf(this.#sessions[i]!));
    return out;
  }

  get(sessionId: string): SessionTranscript | undefined {
    const found = this.#sessions.find((s) => s.id === sessionId);
    return found ? { ...found, lines: found.lines.map((l) => ({ ...l })) } : undefined;
  }
}
