/** Keys remembered per script call site; more are dropped oldest first. */
const KEYS_PER_HINT = 64;

/**
 * The keys a script needed beyond those its arguments name (a message's mailbox, an address's
 * folders: found in the data, see need_keys in lua/common.ts), remembered per run, script and a
 * hint of the caller's (an address and folder, say), so the next such call declares them up front
 * and takes one round trip. A key remembered that the data no longer leads to is declared for
 * nothing, which Redis allows: the hints only ever cost a few bytes of KEYS, never correctness.
 */
export class KeyHints {
  readonly #hints = new Map<string, string[]>();
  /** The hint added last: the newest already, so adding it again changes nothing. */
  #newest: string | undefined;

  constructor(private readonly max = 4096) {}

  get(runId: string, script: string, hint = ""): string[] {
    return this.#hints.get(`${runId}\0${script}\0${hint}`) ?? [];
  }

  add(runId: string, script: string, hint: string, keys: readonly string[]): void {
    const at = `${runId}\0${script}\0${hint}`;
    const known = this.#hints.get(at);
    // Most calls (a delivery's target, say) teach nothing new: only its recency changes, and not
    // even that when it is the newest already (one busy inbox: no delete and set per message).
    const same = known !== undefined && keys.every((key) => known.includes(key));
    if (same && at === this.#newest) return;
    const merged = same ? known : [...new Set([...(known ?? []), ...keys])].slice(-KEYS_PER_HINT);
    this.#hints.delete(at);
    this.#hints.set(at, merged);
    this.#newest = at;
    if (this.#hints.size > this.max) {
      const oldest = this.#hints.keys().next().value;
      if (oldest !== undefined) this.#hints.delete(oldest);
    }
  }

  dropRun(runId: string): void {
    for (const at of this.#hints.keys()) if (at.startsWith(`${runId}\0`)) this.#hints.delete(at);
    this.#newest = undefined;
  }

  clear(): void {
    this.#hints.clear();
    this.#newest = undefined;
  }
}
