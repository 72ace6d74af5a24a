const CR = 0x0d;
const LF = 0x0a;

/** True when every CR is followed by LF and every LF follows a CR. Two native scans, no copy. */
export function isCrlfClean(raw: Buffer): boolean {
  for (let i = raw.indexOf(LF); i !== -1; i = raw.indexOf(LF, i + 1)) {
    if (i === 0 || raw[i - 1] !== CR) return false;
  }
  for (let i = raw.indexOf(CR); i !== -1; i = raw.indexOf(CR, i + 1)) {
    if (raw[i + 1] !== LF) return false;
  }
  return true;
}

/**
 * Every bare LF and every bare CR becomes CRLF. Runs on every ingested message, so a buffer that
 * is already clean is returned as is (same object, no copy); only dirty input pays for a copy.
 */
export function normalizeCrlf(raw: Buffer): Buffer {
  if (isCrlfClean(raw)) return raw;
  let extra = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === CR) {
      if (raw[i + 1] === LF) i++;
      else extra++;
    } else if (c === LF) extra++;
  }
  const out = Buffer.allocUnsafe(raw.length + extra);
  let o = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === CR) {
      out[o++] = CR;
      out[o++] = LF;
      if (raw[i + 1] === LF) i++;
    } else if (c === LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else out[o++] = c;
  }
  return out;
}

const CR_BYTE = Buffer.from([CR]);
const CRLF_BYTES = Buffer.from([CR, LF]);

/**
 * normalizeCrlf over a stream of chunks, chunk by chunk as they arrive, so a large message is
 * never scanned (or copied) in one go. A chunk that is already clean comes back as is; a CR at
 * a chunk's end waits for the next chunk, which tells whether an LF follows it.
 */
export class CrlfNormalizer {
  #heldCr = false;

  push(chunk: Buffer): Buffer {
    let bytes = chunk;
    if (this.#heldCr) bytes = Buffer.concat([CR_BYTE, bytes]);
    this.#heldCr = bytes.length > 0 && bytes[bytes.length - 1] === CR;
    if (this.#heldCr) bytes = bytes.subarray(0, bytes.length - 1);
    return normalizeCrlf(bytes);
  }

  /** What is still held at the end of the stream: a last bare CR, as CRLF. */
  end(): Buffer {
    const rest = this.#heldCr ? CRLF_BYTES : Buffer.alloc(0);
    this.#heldCr = false;
    return rest;
  }
}
