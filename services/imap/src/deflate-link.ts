/**
 * COMPRESS=DEFLATE (RFC 4978): once the client asked for it, both directions of the connection
 * are one raw DEFLATE stream each. Replies go into the deflater and are pushed out with a
 * Z_SYNC_FLUSH at the end of the tick that wrote them, so every reply (IDLE updates too) reaches
 * the client whole instead of waiting in the compressor for more. Input inflates on zlib's
 * threads in 16 KiB pieces, with backpressure all the way to the socket: a small compressed
 * stream that expands a thousandfold (a decompression bomb) is read only as fast as the framer
 * takes it, so it never grows memory. What the framer does with an endless line is its business.
 */
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from "node:zlib";

const CHUNK = 16 * 1024;

export class DeflateLink {
  private readonly deflate: DeflateRaw;
  private readonly inflate: InflateRaw;
  private flushQueued = false;

  constructor(
    private readonly socket: Socket,
    onInput: (chunk: Buffer) => void,
    onError: (err: Error) => void,
  ) {
    this.deflate = createDeflateRaw({ chunkSize: CHUNK });
    this.inflate = createInflateRaw({ chunkSize: CHUNK });
    this.deflate.on("error", onError);
    this.inflate.on("error", onError);
    this.inflate.on("data", onInput);
    // pipe() carries the backpressure: a paused inflater stops reading the socket.
    socket.pipe(this.inflate);
    this.deflate.pipe(socket);
  }

  /** Where input comes from now: pausing it pauses the socket behind it. */
  get input(): Readable {
    return this.inflate;
  }

  /** Where replies go: its writableNeedDrain and `drain` event are the connection's backpressure. */
  get output(): Writable {
    return this.deflate;
  }

  write(chunk: Buffer): void {
    this.deflate.write(chunk);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // An empty flush would still send a block: flush only after something was written.
    process.nextTick(() => {
      this.flushQueued = false;
      if (!this.deflate.destroyed && !this.deflate.writableEnded) this.deflate.flush(constants.Z_SYNC_FLUSH);
    });
  }

  /** Reads no more: the connection is closing and what the client still sends is not wanted. */
  stopInput(): void {
    this.socket.unpipe(this.inflate);
    this.inflate.destroy();
  }

  /** Finishes the compressed stream (the last reply included) and then ends the socket. */
  end(): void {
    if (this.deflate.destroyed) this.socket.end();
    else this.deflate.end();
  }

  /** Frees the zlib state at once (the socket is gone or will not be waited for). */
  destroy(): void {
    this.stopInput();
    this.deflate.destroy();
  }
}
