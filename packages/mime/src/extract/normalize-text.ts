// Zero-width characters and soft hyphens: mail templates pad preheaders with them and some
// senders put them inside codes to defeat autofill scrapers; they never carry meaning here.
const INVISIBLE = /\u00AD|\u034F|[\u200B-\u200D]|\u2060|\uFEFF/g;
// Non-breaking and other typographic spaces, as a plain space.
const ODD_SPACES = /[\t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

/**
 * One canonical shape for text that is scanned and quoted back: `\n` line ends, one space
 * between words, trimmed lines, at most one blank line in a row.
 */
export function normalizeText(input: string): string {
  return input
    .replace(/\r\n?/g, "\n")
    .replace(INVISIBLE, "")
    .replace(ODD_SPACES, " ")
    .replace(/ {2,}/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Whitespace (line breaks included) collapsed to single spaces: for anchor text and quoted context. */
export function collapseWhitespace(input: string): string {
  return input.replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}
