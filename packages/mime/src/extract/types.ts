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

/** Which body part a link was found in. */
export type LinkSource = "html" | "text";

export interface ExtractedLink {
  /** The URL as written (HTML entities decoded); tracking redirects are not unwrapped. */
  url: string;
  /** Anchor text of the first HTML link with this URL, whitespace-collapsed; image alt text when the anchor holds only an image. */
  text?: string;
  /** Every part the URL appeared in, `html` before `text`. */
  sources: LinkSource[];
}

/** Which part of the message a code was found in. */
export type CodeSource = "subject" | "text" | "html";

export interface ExtractedCode {
  /** The code as it should be typed: separators removed from digit codes (`123 456` -> `123456`), spaces removed from alphanumeric ones (a dash is kept). */
  value: string;
  /** The code exactly as written at its best-scoring occurrence. */
  raw: string;
  /** Part of the best-scoring occurrence. */
  source: CodeSource;
  /** Every part the code appeared in, in the order subject, text, html. */
  sources: CodeSource[];
  /** Text around the best-scoring occurrence, on one line. */
  context: string;
  /** 0..1, how likely this is the message's one-time code; the list is sorted by it, highest first. */
  score: number;
}

/** Which part a pattern matched in: `html` is the HTML markup itself, so hrefs and attributes can be matched. */
export type PatternSource = "subject" | "text" | "html";

export interface PatternMatch {
  /** The whole match. */
  match: string;
  /** Positional capture groups (1..n); a group that did not take part is null. */
  groups: Array<string | null>;
  /** Named capture groups, when the pattern has any. */
  namedGroups?: Record<string, string | null>;
  source: PatternSource;
  /** Offset of the match in that part (UTF-16 code units, as JavaScript strings count). */
  index: number;
}
