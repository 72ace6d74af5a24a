export const MiB = 1024 * 1024;

/** Bytes that differ by position, so a part copied to the wrong place shows. */
export function pattern(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
