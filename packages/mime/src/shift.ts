import type { MimeNode } from "@sandmail/core";

/**
 * The same tree for the same body under a header block `delta` bytes longer (copies of one
 * message that differ only in their own trace headers): every offset moves by delta except the
 * root's start. New nodes; the given tree, possibly shared, is left as it is.
 */
export function shiftMime(root: MimeNode, delta: number): MimeNode {
  if (delta === 0) return root;
  const shift = (node: MimeNode, isRoot: boolean): MimeNode => {
    const moved: MimeNode = {
      ...node,
      headerStart: isRoot ? node.headerStart : node.headerStart + delta,
      headerEnd: node.headerEnd + delta,
      bodyStart: node.bodyStart + delta,
      bodyEnd: node.bodyEnd + delta,
      children: node.children.map((child) => shift(child, false)),
    };
    if (node.message) moved.message = shift(node.message, false);
    return moved;
  };
  return shift(root, true);
}
