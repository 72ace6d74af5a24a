import { SandmailError } from "@sandmail/core";

/**
 * The keys every run has, by their name after the run's prefix. A script declares the ones it
 * touches in KEYS; the Lua sources build the same names from the prefix (lua/common.ts).
 */
export const FIXED_KEYS = [
  "run",
  "events",
  "cache",
  "ev",
  "seq",
  "addrs",
  "full",
  "dns",
  "faults",
  "grey",
  "dlv",
  "dlvr",
  "ssl",
  "ssh",
  "whs",
  "rcpts",
  // A deleted run's tombstone, while its keys are removed: last, as the last to go (drain.ts).
  "dead",
] as const;

export type FixedKey = (typeof FIXED_KEYS)[number];

/**
 * Key names of one run. Every key starts with `<prefix>{<runId>}:` so the run lives in one
 * cluster slot and its Lua scripts may touch any of its keys. `events` and `cache` are the run's
 * sharded pub/sub channels, which a cluster also places by the same hash tag.
 */
export class RunKeys {
  readonly runId: string;
  readonly prefix: string;
  readonly run: string;
  /**
   * Names made once per RunKeys (a store keeps the last run's, redis-store.ts #keys): a delivery
   * names some fifteen keys, mostly the same as the last one's, and every name made anew is a
   * string joined here and copied flat again as the command is written.
   */
  readonly #fixed = new Map<string, string>();
  readonly #last = new Map<string, { id: string; keys: readonly string[] }>();

  constructor(keyPrefix: string, runId: string) {
    this.runId = runId;
    this.prefix = `${keyPrefix}{${runId}}:`;
    this.run = `${this.prefix}run`;
  }

  /** A deleted run's tombstone (its run hash renamed) while its keys are removed (lua/runs.ts). */
  get tombstone(): string {
    return `${this.prefix}dead`;
  }

  get channel(): string {
    return `${this.prefix}events`;
  }

  /** The run caches' channel: run.deleted, cache.dns and cache.faults, never a message's event. */
  get cacheChannel(): string {
    return `${this.prefix}cache`;
  }

  fixed(...names: FixedKey[]): string[] {
    return names.map((name) => {
      let key = this.#fixed.get(name);
      if (key === undefined) {
        key = this.prefix + name;
        this.#fixed.set(name, key);
      }
      return key;
    });
  }

  message(messageId: string): string {
    return `${this.prefix}m:${messageId}`;
  }

  /** A large delivery's body, sent ahead of its script (upload.ts). */
  upload(deliveryId: string): string {
    return `${this.prefix}up:${deliveryId}`;
  }

  /** An address's keys: folder names to mailbox ids, subscriptions, messages by seq. */
  address(address: string): string[] {
    return this.#of(["names", "subs", "aseq"], address);
  }

  /** The messages a recipient key (shared/recipients.ts) finds, scored by seq. */
  recipient(key: string): string {
    return this.#of(["rcpt"], key)[0] as string;
  }

  /** A mailbox's keys: its hash, its UID index, its flag lines and the UIDs that left it. */
  mailbox(mailboxId: string): string[] {
    return this.#of(["mb", "ix", "fl", "gone"], mailboxId);
  }

  /** A webhook's keys: its hash, its delivery log and its pending queue. */
  webhook(webhookId: string): string[] {
    return this.#of(["wh", "whd", "whq"], webhookId);
  }

  /** A webhook delivery's keys: its hash and its attempts. */
  delivery(deliveryId: string): string[] {
    return this.#of(["dl", "dla"], deliveryId);
  }

  /** The keys of `id` of each kind; the last id's of the same kinds are the same strings again (a fresh list). */
  #of(kinds: readonly string[], id: string): string[] {
    const kind = kinds[0] as string;
    const last = this.#last.get(kind);
    if (last?.id === id) return [...last.keys];
    const keys = kinds.map((k) => `${this.prefix}${k}:${id}`);
    this.#last.set(kind, { id, keys });
    return [...keys];
  }
}

export function checkKeyPrefix(prefix: string): string {
  if (typeof prefix !== "string" || /[{}\s]/.test(prefix)) {
    throw new SandmailError("invalid_request", `invalid Redis key prefix: ${JSON.stringify(prefix)}`);
  }
  return prefix;
}
