/**
 * Where a run keeps its messages' bytes: copied into shared slabs of 256 KiB, each message a view
 * of its slab. One ArrayBuffer per message would cost V8 an object, a backing store and GC
 * bookkeeping each (about 250 bytes and measurable ingest time at 100,000 messages); a view of a
 * Node pool slice would keep 8 KiB slabs full of garbage alive.
 *
 * The trade: a slab lives while any message in it does. Runs are disposable and their slabs go
 * with them; a long-lived run whose messages are deleted one by one keeps at most one slab per
 * surviving message, and messages over a quarter of a slab get a buffer of their own.
 */
export class RawSlabs {
  #slab: Buffer | undefined;
  #used = 0;

  constructor(private readonly slabSize = 256 * 1024) {}

  /** A copy of `bytes` (followed by `rest`, when given) that the run keeps. */
  keep(bytes: Buffer, rest?: Buffer): Buffer {
    const length = bytes.length + (rest?.length ?? 0);
    let out: Buffer;
    if (length > this.slabSize / 4) {
      out = Buffer.allocUnsafeSlow(length);
    } else {
      if (!this.#slab || this.#used + length > this.slabSize) {
        this.#slab = Buffer.allocUnsafeSlow(this.slabSize);
        this.#used = 0;
      }
      out = this.#slab.subarray(this.#used, this.#used + length);
      this.#used += length;
    }
    bytes.copy(out, 0);
    rest?.copy(out, bytes.length);
    return out;
  }
}
