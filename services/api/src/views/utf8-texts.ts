import type { ParsedMessage } from "@sandmail/mime";
import { Utf8Text } from "../support/json-stream.js";

type TextField = "text" | "html";

/** The long texts of decoded messages as the decoding thread sent them: UTF-8 bytes. */
const held = new WeakMap<ParsedMessage, Partial<Record<TextField, Utf8Text>>>();

/**
 * Gives `parsed` the text and HTML a worker thread sent as bytes (the readMessage task). Each
 * becomes a string only when something reads the field: a 25 MiB one costs this thread ~100 ms in
 * one turn to make, and the message's JSON view (jsonText) never needs it.
 */
export function keepUtf8Texts(parsed: ParsedMessage, utf8: Partial<Record<TextField, Uint8Array>>): void {
  const texts: Partial<Record<TextField, Utf8Text>> = {};
  for (const field of ["text", "html"] as const) {
    const bytes = utf8[field];
    if (bytes === undefined) continue;
    const text = new Utf8Text(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    texts[field] = text;
    let value: string | undefined;
    Object.defineProperty(parsed, field, {
      enumerable: true,
      configurable: true,
      get: () => {
        value ??= text.toString();
        return value;
      },
      set: (v: string) => {
        value = v;
      },
    });
  }
  held.set(parsed, texts);
}

/**
 * A decoded message's text or HTML for a JSON view written by sendJson (json-stream.ts): its
 * bytes when a worker sent them so, else the string. Typed as the string the view's schema has.
 */
export function jsonText(parsed: ParsedMessage, field: TextField): string | undefined {
  const bytes = held.get(parsed)?.[field];
  // A Utf8Text stands in for the string: sendJson writes it as that string.
  return bytes !== undefined ? (bytes as unknown as string) : parsed[field];
}
