import type { MessageMeta, MessageSummary, MimeNode } from "@sandmail/core";
import { noDelimiters } from "./delimiters.js";
import { readEntityHeaders } from "./entity-headers.js";
import { findHeaderEnd } from "./header-block.js";
import { compactTree } from "./intern.js";
import { indexEntity, newIndexContext } from "./mime-tree.js";
import { buildSummary } from "./summary.js";

/**
 * Raw message bytes -> summary and MIME tree with exact byte offsets. Scans bytes only (no
 * mailparser); never throws on malformed input (missing boundary, no blank line, truncated
 * parts, binary junk): it returns the best tree it can. Offsets match what Dovecot returns for
 * BODY[section], BODY[n.MIME], BODY[n.HEADER] and BODY[n.TEXT].
 *
 * How the tree maps to IMAP part numbers (RFC 3501 §6.4.5):
 * - The root node has part "" and spans the whole message (header and body).
 * - Children of a multipart with part p are numbered p.1, p.2, ... ("1", "2" at the top).
 * - A message/rfc822 node with part p carries the encapsulated message in `message`; that root
 *   also has part p (it *is* what BODY[p] returns), so its children are p.1, p.2, ... When the
 *   message/rfc822 node is itself a message (a top-level message of that type, or a message
 *   inside a message), its body is its part 1 (or p.1), and the encapsulated root has that number.
 * - A non-multipart message (top level, or encapsulated) has no children: IMAP's part "1" (or
 *   "p.1") of such a message is the message node itself, and BODY[1] is its body. `findPart`
 *   applies this rule; use it rather than walking `children` by hand.
 * - A multipart without a boundary, or whose boundary never occurs, has no children. Dovecot
 *   shows such a part in BODYSTRUCTURE as an empty text/plain part; do the same.
 * All offsets are absolute into the raw buffer given to indexMessage, also inside encapsulated
 * messages, and end-exclusive. A part's body ends before the line break that precedes the next
 * boundary delimiter (that line break belongs to the delimiter, RFC 2046 §5.1.1).
 * - `lines` counts LF bytes in the body, as Dovecot does; multiparts have 0.
 */
export function indexMessage(raw: Buffer): MessageMeta {
  const root = indexEntity(raw, 0, raw.length, "", "text/plain", 0, noDelimiters, true, newIndexContext());
  return { summary: buildSummary(root.headers), mime: compactTree(root.node) };
}

/** The MIME tree alone (what `indexMessage` returns as `mime`): the part of indexing that can wait. */
export function indexMimeTree(raw: Buffer): MimeNode {
  return compactTree(
    indexEntity(raw, 0, raw.length, "", "text/plain", 0, noDelimiters, true, newIndexContext()).node,
  );
}

/**
 * `indexMimeTree` for bytes that must be stored whatever they hold. The indexer should cope with
 * anything, but a message it chokes on is still kept (byte for byte) rather than refused: its
 * tree is then the whole message as one opaque text/plain part. `onError` hears why.
 */
export function indexMimeTreeOrOpaque(raw: Buffer, onError?: (err: unknown) => void): MimeNode {
  try {
    return indexMimeTree(raw);
  } catch (err) {
    onError?.(err);
    const blank = raw.indexOf("\r\n\r\n");
    const headerEnd = blank < 0 ? raw.length : blank + 4;
    return {
      part: "",
      headerStart: 0,
      headerEnd,
      bodyStart: headerEnd,
      bodyEnd: raw.length,
      contentType: "text/plain",
      params: { charset: "us-ascii" },
      encoding: "7bit",
      lines: raw.subarray(headerEnd).toString("latin1").split("\r\n").length,
      children: [],
    };
  }
}

/**
 * The summary alone (what `indexMessage` returns as `summary`), from the top-level header block
 * without walking the body: what routing, listing and waits need when a message arrives.
 */
export function summarizeMessage(raw: Buffer): MessageSummary {
  return buildSummary(readEntityHeaders(raw, 0, findHeaderEnd(raw, 0, raw.length)));
}
