import { setTimeout as sleep } from "node:timers/promises";

export interface LoginThrottleOptions {
  /** Wrong credentials an address may send before its attempts are delayed (default 3). */
  freeFailures?: number;
  /** Delay after the first failure past the free ones; doubles with each further failure (default 250 ms). */
  baseDelayMs?: number;
  /** The delay stops doubling here (default 8 s). */
  maxDelayMs?: number;
  /** From this many failures on, attempts are refused outright until the window passes (default 10). */
  refuseAfter?: number;
  /** An address's failures are forgotten this long after its last one (default 10 min). */
  windowMs?: number;
  /** Addresses remembered at most; the least recently failed are forgotten first (default 10,000). */
  maxTracked?: number;
  now?: () => number;
}

/** What an address may do with its next login attempt. */
export type LoginAdmission = { admitted: true } | { admitted: false; retryAfterMs: number };

interface Failures {
  count: number;
  lastAt: number;
}

/**
 * Slows down guessing per client address, over every protocol of a process together (SMTP AUTH,
 * IMAP LOGIN/AUTHENTICATE, POP3, API tokens): after a few wrong credentials each further attempt
 * waits an exponentially growing delay (a timer, never the event loop), then is refused outright
 * for a while. Successes neither pay nor reset anything: an address without recent failures is
 * never delayed, and a valid login of one's own cannot wipe the record of guesses at another's.
 *
 * Use: `const a = await throttle.admit(ip); if (!a.admitted) <temporary refusal>;` check the
 * credentials; on wrong ones `throttle.failed(ip)`.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;
  readonly #refuseAfter: number;
  readonly #window: number;
  readonly #maxTracked: number;
  readonly #now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.#free = options.freeFailures ?? 3;
    this.#base = options.baseDelayMs ?? 250;
    this.#max = options.maxDelayMs ?? 8000;
    this.#refuseAfter = options.refuseAfter ?? 10;
    this.#window = options.windowMs ?? 10 * 60_000;
    this.#maxTracked = options.maxTracked ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The delay an attempt from `address` has to wait now, or that it is refused. */
  assess(address: string): { delayMs: number } | { refusedForMs: number } {
    const record = this.#current(address);
    if (!record) return { delayMs: 0 };
    const now = this.#now();
    if (record.count >= this.#refuseAfter) return { refusedForMs: record.lastAt + this.#window - now };
    if (record.count < this.#free) return { delayMs: 0 };
    const owed = Math.min(this.#max, this.#base * 2 ** (record.count - this.#free));
    return { delayMs: Math.max(0, record.lastAt + owed - now) };
  }

  /** Waits out the delay owed by `address` (0 without recent failures), or says it is refused. */
  async admit(address: string): Promise<LoginAdmission> {
    const verdict = this.assess(address);
    if ("refusedForMs" in verdict) return { admitted: false, retryAfterMs: verdict.refusedForMs };
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    return { admitted: true };
  }

  /** Records wrong credentials from `address`. */
  failed(address: string): void {
    const record = this.#current(address);
    this.#failures.delete(address);
    // Re-inserted so the map's order is least recently failed first, for eviction.
    this.#failures.set(address, { count: (record?.count ?? 0) + 1, lastAt: this.#now() });
    if (this.#failures.size > this.#maxTracked) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  #current(address: string): Failures | undefined {
    const record = this.#failures.get(address);
    if (record && this.#now() - record.lastAt >= this.#window) {
      this.#failures.delete(address);
      return undefined;
    }
    return record;
  }
}
