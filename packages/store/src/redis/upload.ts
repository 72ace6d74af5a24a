import { setImmediate as nextTurn } from "node:timers/promises";
import { loopBusy } from "@sandmail/core";
import type { RedisConnection } from "./connection.js";

/**
 * Bytes per command. ioredis copies a command's arguments into one new buffer before writing it:
 * a 25 MiB body in one command was a 25 MiB allocation and copy in one turn of the event loop
 * (tens of ms), sixteen at once far more. A MiB is a fraction of a ms.
 */
export const SLICE_BYTES = 1024 * 1024;

/** A body larger than this goes to Redis ahead of its delivery script, in slices (uploadInSlices). */
export const UPLOAD_ABOVE_BYTES = 2 * SLICE_BYTES;

/**
 * Slices of one body in flight at once. ioredis's command timeout runs from when a command is
 * sent, so sixteen 16 MiB bodies sent whole (256 commands at once) left the last slices waiting
 * behind 255 MiB on the one connection, past the timeout on a busy machine: a 451 for a message
 * Redis would have taken. A few slices per body keep the connection full without that queue.
 */
const SLICES_IN_FLIGHT = 4;

/**
 * Writes `body` to the string `key` one slice per command, taking a turn of the event loop
 * whenever work on large messages has used this one (loopBusy), and resolves once Redis has all
 * of it. SETRANGE at each slice's offset: a command ioredis resends after a reconnect writes the
 * same bytes again rather than appending them twice. The last slice goes first, so Redis makes the
 * string its full length once instead of growing (and copying) it slice by slice. The key expires
 * after `ttlMs` whatever happens next, so an upload whose delivery never ran leaves nothing behind.
 */
export async function uploadInSlices(
  redis: RedisConnection,
  key: string,
  body: Buffer,
  ttlMs: number,
): Promise<void> {
  const sent: Array<Promise<unknown>> = [];
  const last = Math.floor((body.length - 1) / SLICE_BYTES) * SLICE_BYTES;
  for (let at = last; at >= 0; at -= SLICE_BYTES) {
    if (loopBusy()) await nextTurn();
    // A failure is reported below, once every command has settled.
    const oldest = sent.length - SLICES_IN_FLIGHT;
    if (oldest >= 0) await (sent[oldest] as Promise<unknown>).catch(() => {});
    sent.push(redis.setrange(key, at, body.subarray(at, at + SLICE_BYTES)));
    if (at === last) sent.push(redis.pexpire(key, ttlMs));
  }
  // Every command is settled before the caller goes on or reports the first failure.
  const results = await Promise.allSettled(sent);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}
