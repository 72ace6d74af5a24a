import type { Readable } from "node:stream";
import type { ByteBudget } from "@sandmail/core";

export interface ReadResult {
  /** The message bytes, or undefined when they were not kept (see `refused`); then they were drained. */
  raw: Buffer | undefined;
  bytes: number;
  /** Why the bytes were not kept: over `maxBytes`, or past the process's memory budget. */
  refused: "too-big" | "storage-full" | undefined;
  /** Bytes taken from the budget for `raw`: the caller releases them once the message is stored or dropped. */
  reserved: number;
}

/**
 * Reads a DATA stream to the end into one Buffer. Each chunk is reserved in the memory budget
 * before it is kept; past `maxBytes` or the budget it keeps draining (the client is still sending
 * and the reply comes after the final dot) but stops keeping chunks and gives back what it had,
 * so neither an oversized message nor forty of them at once sit in memory.
 */
export function readMessage(stream: Readable, maxBytes: number, budget?: ByteBudget): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let bytes = 0;
    let reserved = 0;
    let refused: ReadResult["refused"];
    const drop = (why: NonNullable<ReadResult["refused"]>) => {
      refused = why;
      chunks = [];
      budget?.release(reserved);
      reserved = 0;
    };
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (refused) return;
      if (bytes > maxBytes) return drop("too-big");
      if (budget && !budget.tryReserve(chunk.length)) return drop("storage-full");
      reserved += chunk.length;
      chunks.push(chunk);
    });
    stream.once("error", (err) => {
      drop("too-big");
      reject(err);
    });
    stream.once("end", () => {
      if (!refused && (stream as Readable & { sizeExceeded?: boolean }).sizeExceeded === true)
        drop("too-big");
      resolve({ raw: refused ? undefined : Buffer.concat(chunks, bytes), bytes, refused, reserved });
    });
  });
}
