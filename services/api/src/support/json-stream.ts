import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { FastifyReply } from "fastify";

/**
 * A long string held as its UTF-8 bytes, for sendJson to write in place of the string: a
 * decoded message's 25 MiB text made a string on this thread costs about 100 ms in one turn of
 * the event loop (views/utf8-texts.ts). Encoded a slice at a time straight from the bytes, it
 * never becomes one string here.
 */
export class Utf8Text {
  constructor(readonly bytes: Buffer) {}

  /** The string itself, for a writer other than sendJson (one long turn: avoid). */
  toString(): string {
    return this.bytes.toString("utf8");
  }
}

/** Strings from this long on are written slice by slice rather than in one JSON.stringify. */
const BIG_STRING_CHARS = 64 * 1024;
/** Characters encoded per turn of the event loop: a few ms of work. */
const SLICE_CHARS = 256 * 1024;

/**
 * Sends `value` as JSON. A view holding a large message's text or HTML (25 MiB and more) used to
 * be one JSON.stringify and one 50 MB write, holding the event loop SMTP, IMAP and HTTP share for
 * hundreds of ms (and past V8's string limit for a wait answering many such messages: 500). Such a
 * view is streamed instead: everything but its big strings in one small JSON.stringify, each big
 * string encoded in slices with the event loop free between them. Small views take fastify's usual
 * path (response schema and serializer).
 */
export function sendJson<T>(reply: FastifyReply, value: T): T | FastifyReply {
  if (!hasBigString(value, 0)) return value;
  return reply
    .type("application/json; charset=utf-8")
    .send(Readable.from(encode(value), { objectMode: false }));
}

function hasBigString(value: unknown, depth: number): boolean {
  if (typeof value === "string") return value.length >= BIG_STRING_CHARS;
  if (value instanceof Utf8Text) return true;
  if (value === null || typeof value !== "object" || depth > 8) return false;
  if (Array.isArray(value)) return value.some((v) => hasBigString(v, depth + 1));
  for (const key in value) {
    if (hasBigString((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

async function* encode(value: unknown): AsyncGenerator<Buffer> {
  // Big strings leave a marker in the outline; the nonce keeps a string of the message itself
  // from passing for one. JSON.stringify writes the marker's NULs as the text \u0000.
  const nonce = randomBytes(8).toString("hex");
  const big: Array<string | Utf8Text> = [];
  const outline = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof Utf8Text) && (typeof v !== "string" || v.length < BIG_STRING_CHARS)) return v;
    big.push(v);
    return `\u0000${nonce}:${big.length - 1}\u0000`;
  });
  const marker = new RegExp(`"\\\\u0000${nonce}:(\\d+)\\\\u0000"`, "g");
  let at = 0;
  for (const m of outline.matchAll(marker)) {
    yield Buffer.from(outline.slice(at, m.index));
    const s = big[Number(m[1])] as string | Utf8Text;
    yield* typeof s === "string" ? encodeString(s) : encodeUtf8(s.bytes);
    at = m.index + m[0].length;
  }
  yield Buffer.from(outline.slice(at));
}

const QUOTE = Buffer.from('"');

async function* encodeString(s: string): AsyncGenerator<Buffer> {
  yield QUOTE;
  for (let start = 0; start < s.length; ) {
    let end = Math.min(s.length, start + SLICE_CHARS);
    // Never between the halves of a surrogate pair: each half alone would be escaped as \udXXX.
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end--;
    const json = Buffer.from(JSON.stringify(s.slice(start, end)));
    yield json.subarray(1, json.length - 1);
    start = end;
    await nextTurn();
  }
  yield QUOTE;
}

/** The JSON string of the text `bytes` hold (UTF-8), a slice at a time, as encodeString. */
async function* encodeUtf8(bytes: Buffer): AsyncGenerator<Buffer> {
  yield QUOTE;
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(bytes.length, start + SLICE_CHARS);
    // Never inside a character: back to the first byte of the one the slice would cut.
    while (end < bytes.length && end > start && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    if (end === start) end = Math.min(bytes.length, start + SLICE_CHARS);
    const json = Buffer.from(JSON.stringify(bytes.toString("utf8", start, end)));
    yield json.subarray(1, json.length - 1);
    start = end;
    await nextTurn();
  }
  yield QUOTE;
}
