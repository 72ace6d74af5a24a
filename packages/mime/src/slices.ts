import type { MimeNode } from "@sandmail/core";

/** The node's header block including the blank line that ends it (a view into raw, no copy). */
export function headerBytes(raw: Buffer, node: MimeNode): Buffer {
  return raw.subarray(node.headerStart, node.headerEnd);
}

/** The node's body (a view into raw, no copy). */
export function bodyBytes(raw: Buffer, node: MimeNode): Buffer {
  return raw.subarray(node.bodyStart, node.bodyEnd);
}

/** The whole entity, header and body (a view into raw, no copy). */
export function entityBytes(raw: Buffer, node: MimeNode): Buffer {
  return raw.subarray(node.headerStart, node.bodyEnd);
}

/**
 * The node an IMAP section part number ("", "1", "2.1.3", ...) addresses, or undefined. Follows
 * RFC 3501 §6.4.5: numbers below a message/rfc822 part address the encapsulated message's parts,
 * and part 1 of a non-multipart message is that message's own body.
 */
export function findPart(root: MimeNode, part: string): MimeNode | undefined {
  if (part === "") return root;
  let node = root;
  const tokens = part.split(".");
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!/^[1-9][0-9]*$/.test(token)) return undefined;
    const n = Number(token);
    // Below a message/rfc822 part, numbers count the encapsulated message's parts.
    if (i > 0 && node.message) node = node.message;
    if (node.contentType.startsWith("multipart/")) {
      const child = node.children[n - 1];
      if (!child) return undefined;
      node = child;
    } else if (n !== 1) return undefined;
  }
  return node;
}
