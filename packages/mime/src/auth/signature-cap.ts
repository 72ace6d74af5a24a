/**
 * DKIM verification costs one body hash per distinct (canonicalization, l=) and one public-key
 * operation per signature, so a message may not ask for more than a few: 200 signatures with
 * different l= on a 20 MiB body kept a core busy for seconds. Real mail carries one to three.
 */
export const MAX_DKIM_SIGNATURES = 10;

const NAME = "dkim-signature:";

/**
 * The message with every DKIM-Signature field past the first `max` (top-down) left out of its
 * header block, for verification only; the stored message keeps them all. A signature that
 * signed one of the dropped fields (h= naming DKIM-Signature, which RFC 6376 discourages) fails
 * to verify, which is the honest result for a message that piled up signatures.
 */
export function withoutExcessSignatures(raw: Buffer, max: number): Buffer {
  const parts: Buffer[] = [];
  let seen = 0;
  let keptFrom = 0;
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf(0x0a, at);
    const next = eol < 0 ? raw.length : eol + 1;
    if (next - at <= 2 && (raw[at] === 0x0d || raw[at] === 0x0a)) break; // the blank line
    // A field runs until the next line that does not start with white space.
    let end = next;
    while (end < raw.length && (raw[end] === 0x20 || raw[end] === 0x09)) {
      const more = raw.indexOf(0x0a, end);
      end = more < 0 ? raw.length : more + 1;
    }
    if (
      raw
        .subarray(at, at + NAME.length)
        .toString("latin1")
        .toLowerCase() === NAME &&
      ++seen > max
    ) {
      parts.push(raw.subarray(keptFrom, at));
      keptFrom = end;
    }
    at = end;
  }
  if (seen <= max) return raw;
  parts.push(raw.subarray(keptFrom));
  return Buffer.concat(parts);
}
