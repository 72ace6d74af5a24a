export { extractCodes } from "./codes.js";
export type { HtmlAnchor, HtmlDocument } from "./html-document.js";
export { readHtml } from "./html-document.js";
export { extractLinks } from "./links.js";
export { extractContent, extractInput, type MessageContent } from "./message-content.js";
export { extractByPattern, MAX_PATTERN_MATCHES } from "./pattern.js";
export type {
  CodeSource,
  ExtractedCode,
  ExtractedLink,
  ExtractInput,
  LinkSource,
  PatternMatch,
  PatternSource,
} from "./types.js";
