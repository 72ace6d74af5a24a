import type { ActiveFaults, DnsRecord, Run } from "@sandmail/core";
import type { StoreListener } from "../contract.js";

interface Entry {
  run?: Run;
  dns?: DnsRecord[];
  /** The run's fault rules; null when it has none (known: most runs never have any). */
  faults?: ActiveFaults | null;
  /** Bumped by every invalidation, so a load that raced one is not kept. */
  generation: number;
  loadedAt: number;
  /** Settles true once the subscription is live, false when it could not be made. */
  ready?: Promise<boolean>;
  unsubscribe?: () => void;
}

export interface RunCacheOptions {
  /** Subscribes to the run's cache channel (keys.ts); resolves once the subscription is live. */
  watch(runId: string, listener: StoreListener): Promise<() => void>;
  /** Every event of a watched run, after the cache's own handling. */
  onEvent?: StoreListener;
  /** Most runs kept; the oldest is dropped past it. */
  maxRuns?: number;
  /** Longest an entry is trusted even without an invalidation (a missed message costs no more). */
  maxAgeMs?: number;
}

/**
 * What never changes about a run (id, token, limits, expiry) and what rarely does (its DNS
 * records and SMTP fault rules), kept per process so that routing a recipient and checking a message's
 * authentication cost no Redis round trip. An entry is kept only while this process is
 * subscribed to the run's cache channel: `run.deleted` drops it, the DNS script's `cache.dns` message
 * drops its records (`cache.faults`: its fault rules), and a lost subscriber connection (possibly missed messages) drops all.
 * Absent runs are never cached: a run created by another process is found at once.
 */
export class RunCache {
  readonly #entries = new Map<string, Entry>();
  readonly #watch: RunCacheOptions["watch"];
  readonly #maxRuns: number;
  readonly #maxAgeMs: number;
  readonly #onEvent: StoreListener;

  constructor(options: RunCacheOptions) {
    this.#watch = options.watch;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#maxRuns = options.maxRuns ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
  }

  async run(runId: string, load: () => Promise<Run | undefined>): Promise<Run | undefined> {
    const cached = this.#fresh(runId)?.run;
    if (cached && cached.expiresAt.getTime() > Date.now()) return copyRun(cached);
    const entry = await this.#watched(runId);
    const generation = entry?.generation;
    const run = await load();
    if (!entry) return run;
    if (!run) this.forget(runId);
    else if (entry.generation === generation && this.#entries.get(runId) === entry) entry.run = copyRun(run);
    return run;
  }

  async dns(runId: string, load: () => Promise<DnsRecord[]>): Promise<DnsRecord[]> {
    const cached = this.#fresh(runId)?.dns;
    if (cached) return cached.map(copyRecord);
    return this.#load(runId, "dns", load);
  }

  /** The run's fault rules (undefined: none), shared as they are: callers only read them. */
  async faults(
    runId: string,
    load: () => Promise<ActiveFaults | undefined>,
  ): Promise<ActiveFaults | undefined> {
    const cached = this.#fresh(runId)?.faults;
    if (cached !== undefined) return cached ?? undefined;
    return (await this.#load(runId, "faults", async () => (await load()) ?? null)) ?? undefined;
  }

  /** Loads one cached part of a run's entry, kept only if no invalidation raced the load. */
  async #load<K extends "dns" | "faults">(
    runId: string,
    part: K,
    load: () => Promise<Exclude<Entry[K], undefined>>,
  ): Promise<Exclude<Entry[K], undefined>> {
    const entry = await this.#watched(runId);
    const generation = entry?.generation;
    const value = await load();
    if (entry && entry.generation === generation && this.#entries.get(runId) === entry) {
      entry[part] = (part === "dns" ? (value as DnsRecord[]).map(copyRecord) : value) as Entry[K];
    }
    return value;
  }

  /** Drops what is known of one run (it was deleted, here or elsewhere). */
  forget(runId: string): void {
    const entry = this.#entries.get(runId);
    if (!entry) return;
    this.#entries.delete(runId);
    entry.generation++;
    entry.unsubscribe?.();
  }

  /** Drops the run's DNS records or fault rules (changed by this process: its own message may come later). */
  forgetPart(runId: string, part: "dns" | "faults"): void {
    const entry = this.#entries.get(runId);
    if (!entry) return;
    entry[part] = undefined;
    entry.generation++;
  }

  /** Drops everything: invalidations may have been missed. */
  clear(): void {
    for (const runId of [...this.#entries.keys()]) this.forget(runId);
  }

  #fresh(runId: string): Entry | undefined {
    const entry = this.#entries.get(runId);
    if (!entry) return undefined;
    if (Date.now() - entry.loadedAt > this.#maxAgeMs) {
      this.forget(runId);
      return undefined;
    }
    return entry;
  }

  /** The run's entry with a live subscription, or undefined when subscribing failed (no caching). */
  async #watched(runId: string): Promise<Entry | undefined> {
    const existing = this.#entries.get(runId);
    if (existing)
      return (await existing.ready) && this.#entries.get(runId) === existing ? existing : undefined;
    const entry: Entry = { generation: 0, loadedAt: Date.now() };
    this.#entries.set(runId, entry);
    if (this.#entries.size > this.#maxRuns) this.forget(this.#entries.keys().next().value as string);
    entry.ready = this.#watch(runId, (event) => {
      if (event.type === "run.deleted") this.forget(runId);
      const type = event.type as string;
      if (type === "cache.dns") this.forgetPart(runId, "dns");
      else if (type === "cache.faults") this.forgetPart(runId, "faults");
      else this.#onEvent(event);
    }).then(
      (unsubscribe) => {
        if (this.#entries.get(runId) !== entry) {
          unsubscribe();
          return false;
        }
        entry.unsubscribe = unsubscribe;
        return true;
      },
      () => {
        if (this.#entries.get(runId) === entry) this.#entries.delete(runId);
        return false;
      },
    );
    return (await entry.ready) ? entry : undefined;
  }
}

function copyRun(run: Run): Run {
  return { ...run, limits: { ...run.limits } };
}

function copyRecord(r: DnsRecord): DnsRecord {
  return { ...r, values: [...r.values] };
}
