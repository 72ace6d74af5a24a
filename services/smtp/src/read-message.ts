import type { Readable } from "node:stream";

export interface ReadResult {
  /** The message bytes, or undefined when it went over `maxBytes` (then it was drained, not kept). */
  raw: Buffer | undefined;
  bytes: number;
}

/**
 * Reads a DATA stream to the end into one Buffer. Past `maxBytes` it keeps draining (the
 * client is still sending and the reply comes after the final dot) but stops keeping chunks,
 * so an oversized message never sits in memory.
 */
export function readMessage(stream: Readable, maxBytes: number): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= maxBytes) chunks.push(chunk);
    });
    stream.once("error", reject);
    stream.once("end", () => {
      const oversized =
        bytes > maxBytes || (stream as Readable & { sizeExceeded?: boolean }).sizeExceeded === true;
      resolve({ raw: oversized ? undefined : Buffer.concat(chunks, bytes), bytes });
    });
  });
}
