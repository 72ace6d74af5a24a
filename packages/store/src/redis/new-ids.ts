import { randomBytes } from "node:crypto";

/**
 * Ids of new messages and mailboxes, chosen by the caller so that a script can be handed every
 * key it writes in KEYS (Redis Cluster's rule) instead of naming them from a counter of its own.
 * A random tag per store (8 base-36 characters, about 41 bits) then a counter: unique across
 * processes sharing the store unless two draw the same tag; the tag's fixed length keeps
 * `tag + counter` unambiguous. Ids stay letters and digits, as before (`1a`, `mb3`).
 */
export class NewIds {
  readonly #tag = BigInt(`0x${randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(8, "0")
    .slice(-8);
  #n = 0;

  message(): string {
    return `${this.#tag}${(++this.#n).toString(36)}`;
  }

  mailbox(): string {
    return `mb${this.message()}`;
  }
}
