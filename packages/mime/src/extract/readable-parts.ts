import { readHtml } from "./html-document.js";
import { normalizeText } from "./normalize-text.js";
import type { CodeSource, ExtractInput } from "./types.js";

// Long enough for any real message; bounds the work a hostile multi-megabyte body can cause.
const MAX_SCANNED_CHARS = 1_000_000;

export interface ReadablePart {
  source: CodeSource;
  text: string;
}

/** Subject, text and HTML as normalized readable text (HTML rendered to what a reader sees). */
export function readableParts(input: ExtractInput): ReadablePart[] {
  const parts: ReadablePart[] = [];
  if (input.subject) parts.push({ source: "subject", text: normalizeText(input.subject) });
  if (input.text) parts.push({ source: "text", text: normalizeText(input.text.slice(0, MAX_SCANNED_CHARS)) });
  if (input.html) parts.push({ source: "html", text: readHtml(input.html.slice(0, MAX_SCANNED_CHARS)).text });
  return parts.filter((part) => part.text.length > 0);
}
