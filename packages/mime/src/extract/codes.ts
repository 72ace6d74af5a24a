import { findCandidates } from "./code-candidates.js";
import {
  ADDRESS_WORD_RE,
  CODE_WORD_RE,
  findCodeWordSpans,
  findSpans,
  MONEY_WORD_RE,
  OTHER_NUMBER_WORD_RE,
  WEAK_CODE_WORD_RE,
} from "./code-keywords.js";
import { scoreCandidates } from "./code-score.js";
import { collapseWhitespace } from "./normalize-text.js";
import { readableParts } from "./readable-parts.js";
import { findUrlLikeSpans } from "./text-urls.js";
import type { CodeSource, ExtractedCode, ExtractInput } from "./types.js";

const CONTEXT_CHARS = 60;
const SOURCE_ORDER: CodeSource[] = ["subject", "text", "html"];

/**
 * One-time codes in the message, most likely first, one entry per code value. HTML is read as
 * the text a reader sees, so numbers in attributes, styles and URLs never count.
 */
export function extractCodes(input: ExtractInput): ExtractedCode[] {
  const parts = readableParts(input);
  const subject = parts.find((part) => part.source === "subject");
  const subjectMentionsCode = subject
    ? findCodeWordSpans(CODE_WORD_RE, subject.text, findSpans(OTHER_NUMBER_WORD_RE, subject.text)).length > 0
    : false;

  const byValue = new Map<string, ExtractedCode>();
  for (const { source, text } of parts) {
    const otherNumberWords = findSpans(OTHER_NUMBER_WORD_RE, text);
    const ctx = {
      text,
      codeWords: findCodeWordSpans(CODE_WORD_RE, text, otherNumberWords),
      weakCodeWords: findCodeWordSpans(WEAK_CODE_WORD_RE, text, otherNumberWords),
      otherNumberWords,
      moneyWords: findSpans(MONEY_WORD_RE, text),
      addressWords: findSpans(ADDRESS_WORD_RE, text),
      subjectMentionsCode,
      isSubject: source === "subject",
    };
    for (const { candidate, score } of scoreCandidates(findCandidates(text, findUrlLikeSpans(text)), ctx)) {
      const known = byValue.get(candidate.value);
      if (known && !known.sources.includes(source)) known.sources.push(source);
      if (known && known.score >= score) continue;
      byValue.set(candidate.value, {
        value: candidate.value,
        raw: candidate.raw,
        source,
        sources: known?.sources ?? [source],
        context: contextAround(text, candidate.start, candidate.end),
        score,
      });
    }
  }
  const codes = [...byValue.values()];
  for (const code of codes) code.sources.sort((a, b) => SOURCE_ORDER.indexOf(a) - SOURCE_ORDER.indexOf(b));
  // Stable sort: equal scores keep the order the parts were read in.
  return codes.sort((a, b) => b.score - a.score);
}

function contextAround(text: string, start: number, end: number): string {
  let from = Math.max(0, start - CONTEXT_CHARS);
  let to = Math.min(text.length, end + CONTEXT_CHARS);
  // Whole words only: move outward to the nearest space (bounded, for scripts without spaces).
  while (from > 0 && from > start - CONTEXT_CHARS - 20 && !/\s/.test(text[from - 1] ?? "")) from--;
  while (to < text.length && to < end + CONTEXT_CHARS + 20 && !/\s/.test(text[to] ?? "")) to++;
  return collapseWhitespace(text.slice(from, to));
}
