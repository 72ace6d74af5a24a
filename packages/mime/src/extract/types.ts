/** The readable parts of a message that extraction looks at. Absent parts are simply skipped. */
export interface ExtractInput {
  subject?: string;
  /**
   * The message's own text/plain content. Leave it out for HTML-only mail: mailparser fills `text`
   * with a rendering of the HTML in that case, and links would then be reported as coming from a
   * text part the message never had (parse with `skipHtmlToText: true` to get only real text).
   */
  text?: string;
  html?: string;
}

// The results' wire types are defined once, as zod schemas in core.
export type {
  CodeSource,
  ExtractedCode,
  ExtractedLink,
  LinkSource,
  PatternMatch,
  PatternSource,
} from "@sandmail/core";
