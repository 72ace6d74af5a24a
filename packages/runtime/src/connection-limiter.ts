import type { Config } from "@sandmail/core";
import { clientKey } from "./client-key.js";
import { KeyedSlots } from "./keyed-slots.js";

/**
 * Open connections of one front end, per client address (an IPv6 client per /64, see clientKey)
 * and in all. A connection is admitted before anything is read from it; a refused one gets its
 * protocol's "try again later" and is closed, so idle sockets from one address cannot take the
 * descriptors every other client needs.
 */
export class ConnectionLimiter {
  readonly #slots: KeyedSlots;

  constructor(
    readonly maxPerClient: number,
    readonly maxTotal: number,
  ) {
    this.#slots = new KeyedSlots(maxPerClient, maxTotal);
  }

  /** One front end's limiter from SANDMAIL_MAX_CONNECTIONS_PER_CLIENT and SANDMAIL_MAX_CONNECTIONS. */
  static fromConfig(config: Config): ConnectionLimiter {
    return new ConnectionLimiter(config.SANDMAIL_MAX_CONNECTIONS_PER_CLIENT, config.SANDMAIL_MAX_CONNECTIONS);
  }

  /** A release function when admitted (call it once, when the connection closes); undefined when refused. */
  admit(address: string | undefined): (() => void) | undefined {
    return this.#slots.take(clientKey(address));
  }
}
