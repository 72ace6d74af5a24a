import { createRequire } from "node:module";
import { loadOnce } from "@sandmail/core";
import type { ParsedMessage } from "@sandmail/mime";

// Loaded on the first wait that reads an HTML body, not at start-up (see loadOnce()).
const require = createRequire(import.meta.url);
const htmlToText = loadOnce(() => require("html-to-text") as typeof import("html-to-text"));

// Keyed by the parsed view the parse cache shares, so a thousand waits convert a message once.
const converted = new WeakMap<ParsedMessage, string>();

/**
 * The HTML body as the text a reader sees (tags gone, entities decoded, links as `text [url]`),
 * so `text=code is 1234` finds `<p>code is <b>1234</b></p>` in mail that has no text part.
 */
export function htmlAsText(parsed: ParsedMessage): string | undefined {
  if (parsed.html === undefined) return undefined;
  let text = converted.get(parsed);
  if (text === undefined) {
    text = htmlToText().convert(parsed.html, { wordwrap: false });
    converted.set(parsed, text);
  }
  return text;
}
