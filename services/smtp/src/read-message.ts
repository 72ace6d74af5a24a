import type { Readable } from "node:stream";
import { type ByteBudget, joinWithHeadRoom, loopBusy } from "@sandmail/core";
import { CrlfNormalizer } from "@sandmail/mime";

export interface ReadResult {
  /**
   * The message bytes with every line ending CRLF, a large message's on shared memory with room in
   * front for its trace headers (joinWithHeadRoom), or undefined when they were not kept (see
   * `refused`); then they were drained.
   */
  raw: Buffer | undefined;
  /** Bytes received (before line endings were normalized). */
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
 *
 * The work on the bytes is spread over their arrival, so a 25 MiB message never holds the event
 * loop: line endings are normalized chunk by chunk, reading pauses for a turn when the loop has
 * been busy (loopBusy), and the chunks are joined a slice per turn.
 */
export function readMessage(stream: Readable, maxBytes: number, budget?: ByteBudget): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let bytes = 0;
    let reserved = 0;
    let refused: ReadResult["refused"];
    const crlf = new CrlfNormalizer();
    const drop = (why: NonNullable<ReadResult["refused"]>) => {
      refused = why;
      chunks = [];
      budget?.release(reserved);
      reserved = 0;
    };
    const keep = (chunk: Buffer): boolean => {
      if (budget && !budget.tryReserve(chunk.length)) return false;
      reserved += chunk.length;
      chunks.push(chunk);
      return true;
    };
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      // Many streams at full speed: the rest waits in the kernel for a later turn (backpressure
      // through smtp-server's parser to the socket), rather than all of it being read in one.
      if (loopBusy()) {
        stream.pause();
        setImmediate(() => stream.resume());
      }
      if (refused) return;
      if (bytes > maxBytes) return drop("too-big");
      if (!keep(crlf.push(chunk))) drop("storage-full");
    });
    stream.once("error", (err) => {
      drop("too-big");
      reject(err);
    });
    stream.once("end", () => {
      if (!refused && (stream as Readable & { sizeExceeded?: boolean }).sizeExceeded === true)
        drop("too-big");
      if (!refused && !keep(crlf.end())) drop("storage-full");
      if (refused) return resolve({ raw: undefined, bytes, refused, reserved });
      joinWithHeadRoom(chunks).then(
        (raw) => resolve({ raw, bytes, refused, reserved }),
        (err: unknown) => {
          drop("storage-full");
          reject(err);
        },
      );
    });
  });
}
