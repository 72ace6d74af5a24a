import { type ByteBudget, newRunId, type Run, SandmailError, storageFull } from "@sandmail/core";
import type { CreateRunInput } from "../contract.js";
import { checkCreateRun, runFromInput } from "../shared/inputs.js";
import { emit } from "./events.js";
import { RawSlabs } from "./raw-slabs.js";
import { ScanColumns } from "./scan-columns.js";
import { SessionRing } from "./sessions.js";
import type { RunState } from "./state.js";

/** The runs of a MemoryStore: creation, lookup with expiry, and dropping a run with its mail. */
export class RunRegistry {
  readonly #runs = new Map<string, RunState>();

  constructor(
    private readonly now: () => number,
    private readonly limits: { budget?: ByteBudget; maxRuns?: number } = {},
  ) {}

  create(input: CreateRunInput): Run {
    checkCreateRun(input);
    const { budget, maxRuns } = this.limits;
    // With under a twentieth of the budget left a new run could take hardly any mail: say so now
    // (507) rather than at its first delivery.
    if (budget && !budget.fits(Math.ceil(budget.limit / 20))) throw storageFull(budget.limit);
    if (maxRuns !== undefined && this.#runs.size >= maxRuns) {
      this.sweepExpired();
      if (this.#runs.size >= maxRuns) {
        throw new SandmailError(
          "too_many_runs",
          `the server holds its maximum of ${maxRuns} runs (SANDMAIL_MAX_RUNS): delete finished runs or try again when some expire`,
        );
      }
    }
    let id = input.id;
    if (id !== undefined) {
      if (this.live(id)) throw new SandmailError("run_exists", `run ${id} already exists`);
    } else {
      do id = newRunId();
      while (this.live(id));
    }
    const run = runFromInput(input, id, this.now());
    this.#runs.set(id, {
      run,
      seq: 0,
      mailboxCounter: 0,
      inboxes: new Map(),
      mailboxes: new Map(),
      messages: new Map(),
      bySeq: [],
      byRecipient: new Map(),
      columns: new ScanColumns(),
      raw: new RawSlabs(),
      bytes: 0,
      budget,
      events: [],
      listeners: new Set(),
      dns: [],
      faults: undefined,
      faultGeneration: 0,
      webhooks: new Map(),
      sessions: new SessionRing(),
    });
    return copyRun(run);
  }

  /** The run's state, unless it does not exist or has expired (an expired run is dropped now). */
  live(runId: string): RunState | undefined {
    if (typeof runId !== "string") return undefined;
    const state = this.#runs.get(runId);
    if (state && this.now() >= state.run.expiresAt.getTime()) {
      this.drop(state);
      return undefined;
    }
    return state;
  }

  /** Like `live`, but a missing run is the caller's error. */
  get(runId: string): RunState {
    const state = this.live(runId);
    if (!state) throw new SandmailError("run_not_found", `run ${String(runId)} not found`);
    return state;
  }

  /** Live runs, newest first. */
  list(limit: number): RunState[] {
    const now = this.now();
    const live = [...this.#runs.values()].filter((state) => now < state.run.expiresAt.getTime());
    live.sort((a, b) => b.run.createdAt.getTime() - a.run.createdAt.getTime());
    return live.slice(0, limit);
  }

  /** Drops every run whose TTL has passed; returns how many. */
  sweepExpired(): number {
    let n = 0;
    const now = this.now();
    for (const state of [...this.#runs.values()]) {
      if (now >= state.run.expiresAt.getTime()) {
        this.drop(state);
        n++;
      }
    }
    return n;
  }

  drop(state: RunState): void {
    if (this.#runs.get(state.run.id) !== state) return;
    this.#runs.delete(state.run.id);
    emit(state, { type: "run.deleted", runId: state.run.id, seq: ++state.seq });
    state.listeners.clear();
    // Release the mail now rather than when the last stray reference to the state goes.
    state.messages.clear();
    state.bySeq = [];
    state.byRecipient.clear();
    state.mailboxes.clear();
    state.inboxes.clear();
    state.events = [];
    state.webhooks.clear();
    state.budget?.release(state.bytes);
    state.bytes = 0;
    state.sessions.clear(state.budget);
  }

  /** Ids of every run held, expired ones included until they are next looked at. */
  liveIds(): string[] {
    return [...this.#runs.keys()];
  }
}

export function copyRun(run: Run): Run {
  return { ...run, limits: { ...run.limits } };
}
