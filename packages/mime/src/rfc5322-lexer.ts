/**
 * The RFC 5322 lexical pieces every structured-header reader needs: comments (nested, with
 * quoted-pairs), quoted strings, and CFWS. Address lists (IMAP ENVELOPE), MIME parameters
 * (BODYSTRUCTURE) and Authentication-Results all read through these, so they agree on where a
 * comment or a quoted string ends, however broken the header.
 */

export const isWsp = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";

/** A comment's text starting at the "(" at `pos`: nested parentheses kept, quoted-pairs undone. */
export function readComment(s: string, pos: number): { text: string; end: number } {
  let depth = 0;
  let text = "";
  while (pos < s.length) {
    const c = s[pos++]!;
    if (c === "\\" && pos < s.length) {
      text += s[pos++];
      continue;
    }
    if (c === "(") {
      if (depth > 0) text += c;
      depth++;
    } else if (c === ")") {
      depth--;
      if (depth === 0) break;
      text += c;
    } else {
      text += c;
    }
  }
  return { text, end: pos };
}

/**
 * A quoted string's content starting at the '"' at `pos`: quoted-pairs undone, line breaks of
 * folding removed. `closed` is false when the closing quote is missing (the rest of the header
 * was taken).
 */
export function readQuotedString(s: string, pos: number): { text: string; end: number; closed: boolean } {
  let text = "";
  pos++;
  while (pos < s.length) {
    const c = s[pos++]!;
    if (c === '"') return { text, end: pos, closed: true };
    if (c === "\\" && pos < s.length) text += s[pos++];
    else if (c !== "\r" && c !== "\n") text += c;
  }
  return { text, end: pos, closed: false };
}

/** Skips whitespace and comments from `pos`; `onComment` receives each comment's text. */
export function skipCfws(s: string, pos: number, onComment?: (text: string) => void): number {
  while (pos < s.length) {
    const c = s[pos];
    if (isWsp(c)) pos++;
    else if (c === "(") {
      const comment = readComment(s, pos);
      onComment?.(comment.text);
      pos = comment.end;
    } else break;
  }
  return pos;
}
