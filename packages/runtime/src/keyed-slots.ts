/**
 * A bounded number of things held at once, per key and in all: connections per client address,
 * waits and event streams per run. `take` answers at once, so a refused caller can be told so
 * instead of queueing.
 */
export class KeyedSlots {
  readonly #held = new Map<string, number>();
  #total = 0;

  constructor(
    readonly maxPerKey: number,
    readonly maxTotal = Number.POSITIVE_INFINITY,
  ) {}

  /** A release function when a slot was free (calling it again does nothing); undefined when full. */
  take(key: string): (() => void) | undefined {
    const mine = this.#held.get(key) ?? 0;
    if (mine >= this.maxPerKey || this.#total >= this.maxTotal) return undefined;
    this.#held.set(key, mine + 1);
    this.#total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#held.get(key) ?? 1) - 1;
      if (left <= 0) this.#held.delete(key);
      else this.#held.set(key, left);
    };
  }

  /** Slots held under `key`. */
  held(key: string): number {
    return this.#held.get(key) ?? 0;
  }
}
