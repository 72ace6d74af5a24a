/**
 * COMPRESS=DEFLATE (RFC 4978): once the client asked for it, both directions of the connection
 * are one raw DEFLATE stream each. The replies of one tick go into the deflater together with
 * a Z_SYNC_FLUSH, so every reply (IDLE updates too) reaches the client whole instead of waiting
 * in the compressor for more. Input inflates on zlib's
 * threads in 16 KiB pieces, with backpressure back to the socket: a small compressed
 * stream that expands a thousandfold (a decompression bomb) is read only as fast as the framer
 * takes it, so it never grows memory. What the framer does with an endless line is its business.
 */
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from "node:zlib";

const CHUNK = 16 * 1024;
const BATCH_BYTES = 64 * 1024;

export class DeflateLink {
  private readonly deflate: DeflateRaw;
  private readonly inflate: InflateRaw;
  /** Replies written in this tick, compressed together at its end. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The socket is paused until the inflater takes more. */
  private inflaterFull = false;

  constructor(
    private readonly socket: Socket,
    onInput: (chunk: Buffer) => void,
    onError: (err: Error) => void,
  ) {
    // Every write ends in a sync flush (RFC 4978 §4): the client gets each reply whole.
    this.deflate = createDeflateRaw({ chunkSize: CHUNK, flush: constants.Z_SYNC_FLUSH });
    this.inflate = createInflateRaw({ chunkSize: CHUNK });
    this.deflate.on("error", onError);
    this.inflate.on("error", onError);
    this.inflate.on("data", onInput);
    this.inflate.on("drain", () => {
      this.inflaterFull = false;
      if (!socket.destroyed) socket.resume();
    });
    this.deflate.pipe(socket);
  }

  /** Compressed bytes from the socket. A paused inflater fills up, and then the socket waits. */
  receive(chunk: Buffer): void {
    if (this.inflate.destroyed) return;
    if (!this.inflate.write(chunk) && !this.inflaterFull) {
      this.inflaterFull = true;
      this.socket.pause();
    }
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
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // A long reply goes on at once: the deflater's buffer is what drain() waits on.
    if (this.pendingBytes >= BATCH_BYTES) this.writePending();
    else if (this.pending.length === 1) process.nextTick(() => this.writePending());
  }

  /**
   * One zlib call for what was written since the last, data and flush together: each call is a
   * trip to zlib's thread pool, which a loaded machine schedules late.
   */
  private writePending(): void {
    const chunks = this.pending;
    if (chunks.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.deflate.destroyed || this.deflate.writableEnded) return;
    this.deflate.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }

  /**
   * Ends the connection: nothing more is inflated (a bomb would go on and on), the compressed
   * stream is finished with the last reply and then ends the socket; a peer that never reads
   * does not hold it open.
   */
  close(): void {
    // What the client still sends is not wanted.
    this.inflate.destroy();
    if (this.deflate.destroyed) this.socket.end();
    else {
      this.writePending();
      this.deflate.end();
    }
    setTimeout(() => {
      this.deflate.destroy();
      this.socket.destroy();
    }, 2_000).unref();
  }
}
