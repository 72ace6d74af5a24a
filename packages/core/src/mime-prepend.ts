import type { MimeNode } from "./domain.js";

/**
 * The MIME tree of a message with `headBytes` of header fields put in front of it (@sandmail/mime's prependHeaders),
 * from the tree of the message itself: the root's header grows by them and every other offset
 * moves along. A delivery indexes its body once for all its copies, each with its own trace
 * fields, and never joins head and body just to index them. The fields put in front must not be
 * Content-* or MIME-Version (they are trace fields), which would change how the root is read.
 */
export function treeAfterPrepend(tree: MimeNode, headBytes: number): MimeNode {
  const moved = shifted(tree, headBytes);
  moved.headerStart = tree.headerStart;
  return moved;
}

function shifted(node: MimeNode, by: number): MimeNode {
  const out: MimeNode = {
    ...node,
    headerStart: node.headerStart + by,
    headerEnd: node.headerEnd + by,
    bodyStart: node.bodyStart + by,
    bodyEnd: node.bodyEnd + by,
    children: node.children.length === 0 ? node.children : node.children.map((child) => shifted(child, by)),
  };
  if (node.message) out.message = shifted(node.message, by);
  return out;
}
