import { SandmailError } from "./errors.js";

/**
 * The process's memory budget, in bytes: what the memory store keeps plus what the front ends
 * hold while a message arrives (SMTP DATA, an IMAP APPEND literal). Bytes are reserved before
 * they are buffered, so a client can only ever announce or send into room that exists; whatever
 * was reserved is released when the bytes are stored (the store then holds them) or dropped.
 */
export class ByteBudget {
  #used = 0;

  constructor(readonly limit: number) {}

  get used(): number {
    return this.#used;
  }

  /** Takes `bytes` if they fit; false (nothing taken) if they do not. */
  tryReserve(bytes: number): boolean {
    if (!this.fits(bytes)) return false;
    this.#used += bytes;
    return true;
  }

  /** Takes `bytes` or fails with `storage_full`. */
  reserve(bytes: number): void {
    if (!this.tryReserve(bytes)) throw storageFull(this.limit);
  }

  /** Takes `bytes` whether or not they fit: for bytes the caller has checked with `fits` in the same turn. */
  charge(bytes: number): void {
    this.#used += bytes;
  }

  fits(bytes: number): boolean {
    return this.#used + bytes <= this.limit;
  }

  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

export function storageFull(limit: number): SandmailError {
  return new SandmailError(
    "storage_full",
    `the server's memory budget of ${limit} bytes (SANDMAIL_MAX_STORE_BYTES) is used up: delete runs or messages, or try again later`,
  );
}
