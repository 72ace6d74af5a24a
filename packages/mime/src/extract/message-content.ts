import type { ParsedMessage } from "../parse-message.js";
import { extractCodes } from "./codes.js";
import { extractLinks } from "./links.js";
import type { ExtractedCode, ExtractedLink, ExtractInput } from "./types.js";

/** What extraction finds in a message's readable parts. */
export interface MessageContent {
  links: ExtractedLink[];
  codes: ExtractedCode[];
}

/** The parts extraction reads; `text` is only the message's own text/plain (parseMessage never renders HTML into it). */
export function extractInput(parsed: ParsedMessage): ExtractInput {
  const input: ExtractInput = {};
  if (parsed.subject) input.subject = parsed.subject;
  if (parsed.text) input.text = parsed.text;
  if (parsed.html) input.html = parsed.html;
  return input;
}

/** Links and codes of a decoded message. */
export function extractContent(parsed: ParsedMessage): MessageContent {
  const input = extractInput(parsed);
  return { links: extractLinks(input), codes: extractCodes(input) };
}
