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
 * touches it again: a deep copy per session would cost more than recording it, and the recorder's
 * sessions build their lines only when read) and hands out copies.
 */
export class SessionRing {
  /** Kept sessions from #start on; those before it are dropped, cut out in bulk. */
  #sessions: Array<SessionTranscript | undefined> = [];
  #start = 0;
  #bytes = 0;

  /**
   * Keeps the session, charging its bytes to the process's memory budget when there is one: past
   * the budget it fails with `storage_full` (mail comes first; the recorder drops the transcript).
   */
  add(session: SessionTranscript, limits: TranscriptLimits, budget?: ByteBudget): void {
    if (budget && !budget.tryReserve(session.bytes)) throw storageFull(budget.limit);
    const sessions = this.#sessions;
    sessions.push(session);
    this.#bytes += session.bytes;
    let freed = 0;
    while (
      sessions.length - this.#start > 1 &&
      (sessions.length - this.#start > limits.maxSessions || this.#bytes > limits.maxBytes)
    ) {
      const dropped = sessions[this.#start]!;
      sessions[this.#start++] = undefined;
      this.#bytes -= dropped.bytes;
      freed += dropped.bytes;
    }
    if (freed > 0) budget?.release(freed);
    // A full ring drops one session per session added: shifting each time would copy the array.
    if (this.#start > 64 && this.#start * 2 > sessions.length) {
      this.#sessions = sessions.slice(this.#start);
      this.#start = 0;
    }
  }

  /** Forgets every session (the run is gone), giving their bytes back to the budget. */
  clear(budget?: ByteBudget): void {
    budget?.release(this.#bytes);
    this.#sessions = [];
    this.#start = 0;
    this.#bytes = 0;
  }

  /** Newest first. */
  list(): SessionSummary[] {
    const out: SessionSummary[] = [];
    for (let i = this.#sessions.length - 1; i >= this.#start; i--) out.push(summaryOf(this.#sessions[i]!));
    return out;
  }

  get(sessionId: string): SessionTranscript | undefined {
    for (let i = this.#sessions.length - 1; i >= this.#start; i--) {
      const found = this.#sessions[i]!;
      if (found.id === sessionId)
        return { ...summaryOf(found), omitted: found.omitted, lines: found.lines.map((l) => ({ ...l })) };
    }
    return undefined;
  }
}
