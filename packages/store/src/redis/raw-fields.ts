import { concatShared } from "@sandmail/core";
import { SLICE_BYTES, UPLOAD_ABOVE_BYTES } from "./upload.js";

/**
 * A message's bytes above this size are kept in its hash in fields of RAW_SLICE_BYTES, raw:1 to
 * raw:<rawn>, instead of one field raw (lua/common.ts put_raw). Read as one field, ioredis joined
 * the whole reply in one Buffer.concat: a 25 MiB message's first read held the event loop 60-120 ms
 * in one turn. Its fields come back as replies of their own, each joined apart, and are then
 * joined a step per turn (joinRaw). Redis has no range read of a hash field, and fields of the
 * same hash need no key of their own: deleting, expiring, copying or moving the message, and its
 * cluster slot, stay what they were. The sizes mirror the upload's (upload.ts).
 */
export const RAW_SPLIT_ABOVE = UPLOAD_ABOVE_BYTES;
export const RAW_SLICE = SLICE_BYTES;

/** The fields holding a large message's bytes, in order, `rawn` (its field) of them. */
export function rawFields(rawn: number): string[] {
  return Array.from({ length: rawn }, (_, i) => `raw:${i + 1}`);
}

/**
 * A large message's bytes from its fields, on shared memory (where a worker thread decoding it
 * reads them as they are), joined a step per turn of the event loop; undefined when a field is
 * missing (the message was deleted between the reads).
 */
export function joinRaw(slices: ReadonlyArray<Buffer | null>): Promise<Buffer> | undefined {
  if (slices.some((slice) => !Buffer.isBuffer(slice))) return undefined;
  return concatShared(slices as Buffer[]);
}
