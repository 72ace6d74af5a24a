import type { MessageSummary, MimeNode } from "@sandmail/core";
import { indexMimeTreeOrOpaque, summarizeMessage } from "@sandmail/mime";
import type { Logger } from "@sandmail/runtime";

/*
 * The indexers should cope with anything, but a message the parser chokes on must still be
 * stored (byte for byte) rather than bounced with a 451 the sender would retry forever. The
 * fallbacks give an empty summary and a tree of one opaque text/plain part.
 */

/** The summary, taken before the 250 (routing, listing and waits read it). */
export function safeSummary(raw: Buffer, logger: Logger): MessageSummary {
  try {
    return summarizeMessage(raw);
  } catch (err) {
    logger.warn(
      { err, bytes: raw.length },
      "could not read the message's header, storing it with an empty summary",
    );
    return { subject: "", from: [], to: [], cc: [] };
  }
}

/** The MIME tree builder the store calls with its stored bytes, when the tree is first read. */
export function safeMimeIndexer(logger: Logger): (raw: Buffer) => MimeNode {
  return (raw) =>
    indexMimeTreeOrOpaque(raw, (err) =>
      logger.warn({ err, bytes: raw.length }, "could not parse message, indexing it as opaque text"),
    );
}
