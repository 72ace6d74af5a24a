import type { MimeNode } from "@sandmail/core";

/** The node's header block including the blank line that ends it (a view into raw, no copy). */
export function headerBytes(raw: Buffer, node: MimeNode): Buffer {
  return raw.subarray(node.headerStart, node.headerEnd);
}

/** The node's body (a view into raw, no copy). */
export function bodyBytes(raw: Buffer, node: MimeNode): Buffer {
  return raw.subarray(node.bodyStart, node.bodyEnd);
}
