/**
 * BINARY[section] (RFC 3516): content with its Content-Transfer-Encodings undone by the one MIME
 * decoding stack (@sandmail/mime decodeTransferPieces, strict), shaped as Dovecot shapes it:
 * - a leaf part: its body decoded;
 * - a multipart part: its body with every part inside converted, delimiters kept;
 * - a message/rfc822 part, and BINARY[] (the whole message): the message converted;
 * where a converted entity whose body was base64 or quoted-printable loses its
 * Content-Transfer-Encoding field and gets `Content-Transfer-Encoding: binary` at the end of its
 * header instead. Large bodies are decoded piece by piece with pauses, so no FETCH holds the
 * event loop.
 */
import type { MimeNode } from "@sandmail/core";
import {
  decodeTransferPieces,
  findPart,
  locateFields,
  MalformedEncodingError,
  transferKind,
} from "@sandmail/mime";
import type { TimeSlicer } from "./time-slice.js";

/** Why a part cannot be served decoded: the response code of the FETCH's NO. */
export type BinaryError = "UNKNOWN-CTE" | "PARSE";

class BinaryFailure extends Error {
  constructor(readonly code: BinaryError) {
    super(code);
  }
}

const EMPTY = Buffer.alloc(0);
const BINARY_FIELD = Buffer.from("Content-Transfer-Encoding: binary\r\n");

/** The bytes of `BINARY[path]` (empty for a part that does not exist, as Dovecot answers). */
export async function binaryPart(
  raw: Buffer,
  root: MimeNode,
  path: readonly number[],
  slicer: TimeSlicer,
): Promise<Buffer | BinaryError> {
  try {
    const out: Buffer[] = [];
    if (path.length === 0) await entity(raw, root, slicer, out);
    else {
      const node = findPart(root, path);
      if (!node) return EMPTY;
      await body(raw, node, slicer, out);
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  } catch (err) {
    if (err instanceof BinaryFailure) return err.code;
    throw err;
  }
}

/** A part with its header: the header rewritten when its body gets decoded. */
async function entity(raw: Buffer, node: MimeNode, slicer: TimeSlicer, out: Buffer[]): Promise<void> {
  if (isLeaf(node) && transferKind(node.encoding) === "decode") {
    const fields = locateFields(raw, node.headerStart, node.headerEnd);
    const insertAt = fields.length ? fields[fields.length - 1]!.end : node.headerStart;
    let pos = node.headerStart;
    for (const f of fields) {
      if (f.key !== "content-transfer-encoding") continue;
      out.push(raw.subarray(pos, f.start));
      pos = f.end;
    }
    out.push(raw.subarray(pos, insertAt), BINARY_FIELD, raw.subarray(insertAt, node.bodyStart));
  } else {
    out.push(raw.subarray(node.headerStart, node.bodyStart));
  }
  await body(raw, node, slicer, out);
}

function isLeaf(node: MimeNode): boolean {
  return !node.contentType.startsWith("multipart/") && !node.message;
}

async function body(raw: Buffer, node: MimeNode, slicer: TimeSlicer, out: Buffer[]): Promise<void> {
  if (node.message) {
    await entity(raw, node.message, slicer, out);
    return;
  }
  if (node.contentType.startsWith("multipart/")) {
    let pos = node.bodyStart;
    for (const child of node.children) {
      out.push(raw.subarray(pos, child.headerStart));
      await entity(raw, child, slicer, out);
      pos = child.bodyEnd;
    }
    out.push(raw.subarray(pos, node.bodyEnd));
    return;
  }
  const bytes = raw.subarray(node.bodyStart, node.bodyEnd);
  const kind = transferKind(node.encoding);
  if (kind === "identity") {
    out.push(bytes);
    return;
  }
  if (kind === "unknown") throw new BinaryFailure("UNKNOWN-CTE");
  try {
    for (const piece of decodeTransferPieces(bytes, node.encoding, true)) {
      out.push(piece);
      if (slicer.due()) await slicer.pause();
    }
  } catch (err) {
    if (err instanceof MalformedEncodingError) throw new BinaryFailure("PARSE");
    throw err;
  }
}
