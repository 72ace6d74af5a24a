import type { MessageMeta } from "@sandmail/core";
import { countLines, indexMessage } from "@sandmail/mime";
import type { Logger } from "@sandmail/runtime";

/**
 * indexMessage should cope with anything, but a message the parser chokes on must still be
 * stored (byte for byte) rather than bounced with a 451 the sender would retry forever. The
 * fallback treats the whole message as one opaque text/plain part.
 */
export function safeIndex(raw: Buffer, logger: Logger): MessageMeta {
  try {
    return indexMessage(raw);
  } catch (err) {
    logger.warn({ err, bytes: raw.length }, "could not parse message, storing it as opaque text");
    return opaqueMeta(raw);
  }
}

/** The whole message as one opaque text/plain part: what a message that could not be indexed is stored as. */
export function opaqueMeta(raw: Buffer): MessageMeta {
  const blank = raw.indexOf("\r\n\r\n");
  const headerEnd = blank < 0 ? raw.length : blank + 4;
  return {
    summary: { subject: "", from: [], to: [], cc: [] },
    mime: {
      part: "",
      headerStart: 0,
      headerEnd,
      bodyStart: headerEnd,
      bodyEnd: raw.length,
      contentType: "text/plain",
      params: { charset: "us-ascii" },
      encoding: "7bit",
      lines: countLines(raw, headerEnd, raw.length),
      children: [],
    },
  };
}
