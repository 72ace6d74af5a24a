/**
 * Modified UTF-7 (RFC 3501 §5.1.3), the wire form of mailbox names: printable ASCII stands for
 * itself (`&` as `&-`), everything else is UTF-16 in a modified base64 (`,` for `/`, no padding)
 * between `&` and `-`. Decoding is strict, as Dovecot's: a name that no correct encoder would
 * produce is refused rather than guessed at, so two spellings never name one mailbox.
 */

export class ModifiedUtf7Error extends Error {}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

const isDirect = (code: number) => code >= 0x20 && code <= 0x7e;

export function encodeModifiedUtf7(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x26) {
      out += "&-";
      i++;
      continue;
    }
    if (isDirect(code)) {
      out += text[i];
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !isDirect(text.charCodeAt(j))) j++;
    out += `&${encodeRun(text.slice(i, j))}-`;
    i = j;
  }
  return out;
}

function encodeRun(run: string): string {
  let out = "";
  let bits = 0;
  let buffer = 0;
  for (let k = 0; k < run.length; k++) {
    buffer = (buffer << 16) | run.charCodeAt(k);
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(buffer >> bits) & 0x3f];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (6 - bits)) & 0x3f];
  return out;
}

/** Wire name -> text; throws ModifiedUtf7Error for anything a correct encoder would not write. */
export function decodeModifiedUtf7(wire: string): string {
  let out = "";
  let i = 0;
  while (i < wire.length) {
    const code = wire.charCodeAt(i);
    if (!isDirect(code)) throw new ModifiedUtf7Error("character outside printable ASCII");
    if (code !== 0x26) {
      out += wire[i];
      i++;
      continue;
    }
    const end = wire.indexOf("-", i + 1);
    if (end < 0) throw new ModifiedUtf7Error("'&' never closed with '-'");
    if (end === i + 1) out += "&";
    else out += decodeRun(wire.slice(i + 1, end));
    i = end + 1;
  }
  return out;
}

function decodeRun(run: string): string {
  const units: number[] = [];
  let bits = 0;
  let buffer = 0;
  for (let k = 0; k < run.length; k++) {
    const code = run.charCodeAt(k);
    const v = code < 128 ? VALUE[code]! : -1;
    if (v < 0) throw new ModifiedUtf7Error("character outside the base64 alphabet");
    buffer = ((buffer << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((buffer >> bits) & 0xffff);
    }
  }
  // Padding: fewer than 6 leftover bits, all zero (RFC 2152's rule, which RFC 3501 inherits).
  if (bits >= 6 || (buffer & ((1 << bits) - 1)) !== 0 || units.length === 0) {
    throw new ModifiedUtf7Error("base64 does not end on a UTF-16 boundary");
  }
  let text = "";
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!;
    if (isDirect(u)) throw new ModifiedUtf7Error("printable ASCII encoded in base64");
    if (u >= 0xd800 && u <= 0xdbff) {
      const low = units[k + 1];
      if (low === undefined || low < 0xdc00 || low > 0xdfff) throw new ModifiedUtf7Error("lone surrogate");
      text += String.fromCharCode(u, low);
      k++;
      continue;
    }
    if (u >= 0xdc00 && u <= 0xdfff) throw new ModifiedUtf7Error("lone surrogate");
    text += String.fromCharCode(u);
  }
  return text;
}
