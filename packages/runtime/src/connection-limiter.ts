import type { Config } from "@sandmail/core";
import { clientKey } from "./client-key.js";

/**
 * Open connections of one front end, per client address (an IPv6 client per /64, see clientKey)
 * and in all. A connection is admitted before anything is read from it; a refused one gets its
 * protocol's "try again later" and is closed, so idle sockets from one address cannot take the
 * descriptors every other client needs.
 */
export class ConnectionLimiter {
  readonly #perClient = new Map<string, number>();
  #total = 0;

  constructor(
    readonly maxPerClient: number,
    readonly maxTotal: number,
  ) {}

  /** One front end's limiter from SANDMAIL_MAX_CONNECTIONS_PER_CLIENT and SANDMAIL_MAX_CONNECTIONS. */
  static fromConfig(config: Config): ConnectionLimiter {
    return new ConnectionLimiter(config.SANDMAIL_MAX_CONNECTIONS_PER_CLIENT, config.SANDMAIL_MAX_CONNECTIONS);
  }

  /** A release function when admitted (call it once, when the connection closes); undefined when refused. */
  admit(address: string | undefined): (() => void) | undefined {
    const key = clientKey(address);
    const mine = this.#perClient.get(key) ?? 0;
    if (mine >= this.maxPerClient || this.#total >= this.maxTotal) return undefined;
    this.#perClient.set(key, mine + 1);
    this.#total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#perClient.get(key) ?? 1) - 1;
      if (left <= 0) this.#perClient.delete(key);
      else this.#perClient.set(key, left);
    };
  }
}
