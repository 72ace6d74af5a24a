import type { RedisConnection } from "./connection.js";
import { FIXED_KEYS, type RunKeys } from "./keys.js";

/** Keys one step unlinks, about: a step of this many holds Redis some 2-5 ms (10-25 ms on a loaded 2-core machine). */
export const STEP_KEYS = 500;
/** How often every process looks for deletions left unfinished (a process stopped midway). */
export const DRAIN_EVERY_MS = 60_000;
/** Runs one pass finishes at most: the rest are the next pass's. */
const RUNS_PER_PASS = 100;
/** A folder-name hash this long is taken apart a slice at a time rather than read whole. */
const NAMES_WHOLE = 64;

/**
 * The run-wide keys the last step unlinks, after the prefix: every fixed key but the run hash
 * (the tombstone now; a run of the same id cannot exist until it is gone) and the two channels,
 * the tombstone last.
 */
const LAST_KEYS: string[] = FIXED_KEYS.filter((k) => k !== "run" && k !== "events" && k !== "cache");

const MAILBOX_KINDS = ["mb:", "ix:", "fl:", "gone:"];
const ADDRESS_KINDS = ["names:", "subs:", "aseq:"];
const WEBHOOK_KINDS = ["wh:", "whd:", "whq:"];

/**
 * One step (lua/runs.ts DRAIN_RUN): members taken out of one index of the run, with the keys
 * they name, so a key is never forgotten before it is gone. Keys and index after the prefix.
 */
interface Step {
  kind: "" | "s" | "z" | "h";
  index: string;
  members: string[];
  unlink: string[];
}

type Runner = (runId: string, args: Array<string | number>) => Promise<unknown>;

/**
 * Removes deleted runs' keys in bounded steps. A deleted run is its tombstone (DELETE_RUN), the
 * keys it still has, and an entry in the store-wide queue `<prefix>deleting`: whoever deleted it
 * drains it at once, and every process drains what the queue still names when it starts and every
 * DRAIN_EVERY_MS, so a process stopped midway leaves nothing behind for long. Even without the
 * queue every key of a run carries the run's expiry.
 *
 * Nothing but these steps writes to a deleted run's keys (every other script checks the run
 * hash), so a step is planned from plain reads; each step checks the tombstone's generation, so
 * two processes draining the same run repeat each other's work harmlessly and a late step never
 * touches a run created again with the same id.
 */
export class RunDrainer {
  readonly #queue: string;
  readonly #running = new Map<string, Promise<void>>();
  #pass: Promise<number> | undefined;
  #closed = false;

  constructor(
    private readonly redis: () => RedisConnection,
    private readonly exec: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly step: Runner,
    private readonly keysOf: (runId: string) => RunKeys,
    keyPrefix: string,
  ) {
    this.#queue = `${keyPrefix}deleting`;
  }

  /** Notes a run whose tombstone was just made, so that any process finishes it. */
  async enqueue(runId: string): Promise<void> {
    await this.exec(() => this.redis().zadd(this.#queue, Date.now(), runId));
  }

  /** Removes what is left of a deleted run, one bounded step at a time; once per run at a time here. */
  drain(runId: string): Promise<void> {
    const running = this.#running.get(runId);
    if (running) return running;
    const done = this.#drain(runId).finally(() => this.#running.delete(runId));
    this.#running.set(runId, done);
    return done;
  }

  /** Drains every run the queue names; resolves to how many it finished. One pass at a time. */
  drainQueued(): Promise<number> {
    this.#pass ??= this.#drainQueued().finally(() => {
      this.#pass = undefined;
    });
    return this.#pass;
  }

  /** Stops between steps: what is left stays queued for the next process. */
  close(): void {
    this.#closed = true;
  }

  async #drainQueued(): Promise<number> {
    const ids = await this.exec(() => this.redis().zrange(this.#queue, "0", String(RUNS_PER_PASS - 1)));
    let finished = 0;
    for (const id of ids) {
      if (this.#closed) break;
      await this.drain(id);
      finished++;
    }
    return finished;
  }

  async #drain(runId: string): Promise<void> {
    const keys = this.keysOf(runId);
    const gen = await this.exec(() => this.redis().hget(keys.tombstone, "gen"));
    if (gen !== null) {
      for (;;) {
        if (this.#closed) return;
        const step = await this.#plan(keys);
        const args: Array<string | number> = [gen, step.kind, step.index, step.members.length];
        for (const m of step.members) args.push(m);
        for (const k of step.unlink) args.push(k);
        // 0: the tombstone is gone (another process finished) or another deletion's.
        if (Number(await this.step(runId, args)) === 0 || step.kind === "") break;
      }
    }
    // No tombstone (finished, or never made): nothing left for the queue to name.
    await this.exec(() => this.redis().zrem(this.#queue, runId));
  }

  /** The next step: messages, recipient indexes, addresses with their folders, webhooks, then the rest. */
  async #plan(k: RunKeys): Promise<Step> {
    const redis = this.redis();
    const p = k.prefix;
    const ids = await this.exec(() => redis.zrange(`${p}seq`, "0", String(STEP_KEYS - 1)));
    if (ids.length > 0) return { kind: "z", index: "seq", members: ids, unlink: ids.map((id) => `m:${id}`) };
    const rcpts = await this.exec(() => redis.srandmember(`${p}rcpts`, STEP_KEYS));
    if (rcpts.length > 0) {
      return { kind: "s", index: "rcpts", members: rcpts, unlink: rcpts.map((key) => `rcpt:${key}`) };
    }
    const addrs = await this.exec(() => redis.srandmember(`${p}addrs`, STEP_KEYS / 5));
    if (addrs.length > 0) return this.#addresses(k, addrs);
    const [wid] = await this.exec(() => redis.zrange(`${p}whs`, "0", "0"));
    if (wid !== undefined) {
      const dids = await this.exec(() => redis.zrange(`${p}whd:${wid}`, "0", String(STEP_KEYS / 2 - 1)));
      if (dids.length > 0) {
        return {
          kind: "z",
          index: `whd:${wid}`,
          members: dids,
          unlink: dids.flatMap((d) => [`dl:${d}`, `dla:${d}`]),
        };
      }
      return { kind: "z", index: "whs", members: [wid], unlink: WEBHOOK_KINDS.map((kind) => kind + wid) };
    }
    return { kind: "", index: "", members: [], unlink: LAST_KEYS };
  }

  /**
   * Addresses with their folders, up to about STEP_KEYS keys; an address with a great many
   * folders first loses them a slice at a time.
   */
  async #addresses(k: RunKeys, addrs: string[]): Promise<Step> {
    const p = k.prefix;
    const lens = await this.#pipelined(addrs.map((a) => ["hlen", `${p}names:${a}`]));
    const big = addrs.findIndex((_, i) => Number(lens[i]) > NAMES_WHOLE);
    if (big >= 0) {
      const names = `names:${addrs[big]}`;
      let cursor = "0";
      let flat: string[] = [];
      // A scan may answer nothing yet for a while (emptied buckets): it goes on from its cursor.
      do
        [cursor, flat] = await this.exec(() =>
          this.redis().hscan(`${p}${names}`, cursor, "COUNT", STEP_KEYS / 4),
        );
      while (flat.length === 0 && cursor !== "0");
      const fields = flat.filter((_, i) => i % 2 === 0);
      const mbids = flat.filter((_, i) => i % 2 === 1);
      return { kind: "h", index: names, members: fields, unlink: mailboxKeys(mbids) };
    }
    const vals = (await this.#pipelined(addrs.map((a) => ["hvals", `${p}names:${a}`]))) as string[][];
    const members: string[] = [];
    const unlink: string[] = [];
    for (const [i, addr] of addrs.entries()) {
      if (unlink.length >= STEP_KEYS) break;
      members.push(addr);
      for (const kind of ADDRESS_KINDS) unlink.push(kind + addr);
      for (const key of mailboxKeys(vals[i] ?? [])) unlink.push(key);
    }
    return { kind: "s", index: "addrs", members, unlink };
  }

  async #pipelined(commands: string[][]): Promise<unknown[]> {
    const results = await this.exec(() => this.redis().pipeline(commands).exec());
    return (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
  }
}

function mailboxKeys(ids: readonly string[]): string[] {
  return ids.flatMap((id) => MAILBOX_KINDS.map((kind) => kind + id));
}
