import { isSandmailError, type Run, type RunLimits } from "@sandmail/core";
import type { MailStore } from "./contract.js";

export interface CatchAllSettings {
  id: string;
  /** Kept across re-creations, so the catch-all's IMAP login and API token stay the same. */
  token: string;
  label: string;
  ttlSeconds: number;
  limits: RunLimits;
}

/**
 * The run that takes mail addressed to no run. It must exist whenever the process says it is
 * ready: a Redis that lost its data (restart without persistence, FLUSHALL, eviction) drops it
 * with everything else, so every use goes through ensure(), which creates it again (same id, same
 * token) when it is missing. Several processes may race to create it; the loser reads the winner's.
 */
export class CatchAllRun {
  readonly runId: string;
  #token: string;

  constructor(
    private readonly store: MailStore,
    private readonly settings: CatchAllSettings,
  ) {
    this.runId = settings.id;
    this.#token = settings.token;
  }

  async ensure(): Promise<Run> {
    const run = (await this.store.getRun(this.runId)) ?? (await this.#create());
    // The run another process created first keeps its token when it has to be created again.
    this.#token = run.token;
    return run;
  }

  async #create(): Promise<Run> {
    const { id, label, ttlSeconds, limits } = this.settings;
    try {
      return await this.store.createRun({ id, token: this.#token, label, ttlSeconds, limits });
    } catch (err) {
      if (!isSandmailError(err, "run_exists")) throw err;
      const run = await this.store.getRun(this.runId);
      if (!run) throw err;
      return run;
    }
  }
}
