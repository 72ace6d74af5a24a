import { isShared, joinBytes } from "./shared-bytes.js";

/**
 * Bytes left free in front of a large message's bytes as they are joined: room for the trace
 * headers a store puts on top of it (Received, up to ~1.1 KB; Authentication-Results, a few
 * hundred bytes, more per DKIM signature), so that the first copy stored is the joined bytes
 * themselves rather than a second copy. A copy of fresh memory costs its first touch: ~2.8 ms per
 * MiB on a loaded VM, ~45 ms for a 16 MiB message's second copy. A head that does not fit is
 * copied with the body as before.
 */
export const HEAD_ROOM_BYTES = 4096;

// Joined bytes whose room in front is still free. Taken once, by the first head written there: a
// delivery's copies (and its runs) share the body, and only one of them can sit in front of it.
const free = new WeakSet<Buffer>();

/** joinBytes, with HEAD_ROOM_BYTES free in front of a result on memory of its own (prependInRoom). */
export async function joinWithHeadRoom(parts: readonly Uint8Array[]): Promise<Buffer> {
  const body = await joinBytes(parts, HEAD_ROOM_BYTES);
  // A small message is joined on ordinary memory, maybe Node's pool, where what lies in front is
  // another Buffer's.
  if (isShared(body) && body.byteOffset === HEAD_ROOM_BYTES) free.add(body);
  return body;
}

/**
 * `head` followed by `body` without copying `body`: `head` is written into the room in front of
 * it, when `body` came from joinWithHeadRoom, its room is still free and `head` fits. Undefined
 * otherwise: the caller copies both.
 */
export function prependInRoom(head: Uint8Array, body: Buffer): Buffer | undefined {
  if (head.byteLength > body.byteOffset || !free.delete(body)) return undefined;
  const out = Buffer.from(body.buffer, body.byteOffset - head.byteLength, head.byteLength + body.byteLength);
  out.set(head, 0);
  return out;
}
