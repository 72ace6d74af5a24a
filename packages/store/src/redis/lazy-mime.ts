import type { MimeNode } from "@sandmail/core";
import { indexMimeTreeOrOpaque } from "@sandmail/mime";

/**
 * Deliveries up to this size leave the MIME tree to the message's first reader, as the memory
 * store does: building and storing it before the 250 cost the SMTP process about as much CPU as
 * the rest of a RedisStore delivery, and redis-server a third more (its JSON is most of the
 * stored metadata). The first reader, in whichever process, reads the bytes of all such messages
 * of its batch in one round trip, builds their trees and writes them beside the messages
 * (lua/messages.ts SET_MIME) for every reader after it. Above this size the tree is built at
 * delivery: a reader should not have to pull megabytes to list a message.
 */
export const LAZY_MIME_MAX_BYTES = 64 * 1024;

/** A message's tree from its stored bytes; the same indexer the SMTP service hands the stores. */
export function mimeFromRaw(raw: Buffer): MimeNode {
  return indexMimeTreeOrOpaque(raw);
}
