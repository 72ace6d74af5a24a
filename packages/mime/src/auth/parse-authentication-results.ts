import { isWsp, readComment, readQuotedString, skipCfws } from "../rfc5322-lexer.js";
import type { ReceivedAuthResult, ReceivedMethodResult } from "./types.js";

/*
 * RFC 8601 Authentication-Results, read leniently: real MTAs write comments anywhere, keys without
 * a ptype (Microsoft's `action=`), unquoted values holding "=" or "/" (base64 `header.b=`), and a
 * trailing ";". A malformed result is skipped up to the next ";" instead of failing the header.
 */

interface Scanner {
  s: string;
  pos: number;
}

/** A comment's text, nested parentheses kept, whitespace collapsed; the opening "(" is at sc.pos. */
function comment(sc: Scanner): string {
  const { text, end } = readComment(sc.s, sc.pos);
  sc.pos = end;
  return text.replace(/\s+/g, " ").trim();
}

/** Skips whitespace and comments, returning the comments' texts. */
function skipComments(sc: Scanner): string[] {
  const comments: string[] = [];
  sc.pos = skipCfws(sc.s, sc.pos, (text) => {
    const normalized = text.replace(/\s+/g, " ").trim();
    if (normalized) comments.push(normalized);
  });
  return comments;
}

function readQuoted(sc: Scanner): string {
  const { text, end } = readQuotedString(sc.s, sc.pos);
  sc.pos = end;
  return text;
}

/** A quoted string or a run of characters up to whitespace, "(", '"' or one of `stops`. */
function readValue(sc: Scanner, stops: string): string | undefined {
  if (sc.s[sc.pos] === '"') return readQuoted(sc);
  const start = sc.pos;
  while (sc.pos < sc.s.length) {
    const c = sc.s[sc.pos]!;
    if (isWsp(c) || c === "(" || c === '"' || stops.includes(c)) break;
    sc.pos++;
  }
  return sc.pos > start ? sc.s.slice(start, sc.pos) : undefined;
}

/** Moves to the next ";" outside quotes and comments. */
function skipToSemicolon(sc: Scanner): void {
  while (sc.pos < sc.s.length && sc.s[sc.pos] !== ";") {
    const c = sc.s[sc.pos];
    if (c === '"') readQuoted(sc);
    else if (c === "(") comment(sc);
    else sc.pos++;
  }
}

function readResult(sc: Scanner): ReceivedMethodResult | undefined {
  const methodToken = readValue(sc, ";=/");
  if (!methodToken) return undefined;
  const comments = skipComments(sc);
  let methodVersion: number | undefined;
  if (sc.s[sc.pos] === "/") {
    sc.pos++;
    skipComments(sc);
    const v = readValue(sc, ";=");
    if (v && /^\d+$/.test(v)) methodVersion = Number(v);
    comments.push(...skipComments(sc));
  }
  if (sc.s[sc.pos] !== "=") return undefined;
  sc.pos++;
  comments.push(...skipComments(sc));
  const result = readValue(sc, ";");
  if (!result) return undefined;

  const entry: ReceivedMethodResult = {
    method: methodToken.toLowerCase(),
    result: result.toLowerCase(),
    properties: {},
  };
  if (methodVersion !== undefined) entry.methodVersion = methodVersion;

  comments.push(...skipComments(sc));
  while (sc.pos < sc.s.length && sc.s[sc.pos] !== ";") {
    const key = readValue(sc, ";=");
    if (!key) {
      sc.pos++; // a stray "=" or quote: step over it rather than loop on it
      comments.push(...skipComments(sc));
      continue;
    }
    comments.push(...skipComments(sc));
    if (sc.s[sc.pos] !== "=") continue; // a bare word: nothing to record
    sc.pos++;
    comments.push(...skipComments(sc));
    const value = readValue(sc, ";") ?? "";
    comments.push(...skipComments(sc));
    const name = key.toLowerCase();
    if (name === "reason") entry.reason = value;
    else if (!(name in entry.properties)) entry.properties[name] = value;
  }
  if (comments.length) entry.comment = comments.join(" ");
  return entry;
}

function parseOne(headerValue: string): ReceivedAuthResult | undefined {
  const raw = headerValue
    .replace(/\r?\n(?=[ \t])/g, "")
    .replace(/^\s*authentication-results\s*:/i, "")
    .trim();
  const sc: Scanner = { s: raw, pos: 0 };
  skipComments(sc);
  const authservId = readValue(sc, ";");
  if (!authservId) return undefined;
  const parsed: ReceivedAuthResult = { authservId, results: [], raw };
  skipComments(sc);
  if (sc.s[sc.pos] !== ";") {
    const version = readValue(sc, ";");
    if (version && /^\d+$/.test(version)) parsed.version = Number(version);
  }

  while (sc.pos < sc.s.length) {
    skipComments(sc);
    if (sc.s[sc.pos] !== ";") {
      skipToSemicolon(sc);
      continue;
    }
    sc.pos++;
    skipComments(sc);
    if (sc.pos >= sc.s.length || sc.s[sc.pos] === ";") continue;
    const start = sc.pos;
    const entry = readResult(sc);
    if (entry) {
      parsed.results.push(entry);
    } else {
      // "none" (no results) or a malformed result: either way nothing to report
      sc.pos = Math.max(sc.pos, start + 1);
      skipToSemicolon(sc);
    }
  }
  return parsed;
}

/**
 * Parses Authentication-Results header values (with or without the field name, folded or not),
 * in the order given. Values without an authserv-id are left out; nothing here throws.
 */
export function parseAuthenticationResults(headerValues: readonly string[]): ReceivedAuthResult[] {
  const parsed: ReceivedAuthResult[] = [];
  for (const value of headerValues) {
    const one = parseOne(String(value ?? ""));
    if (one) parsed.push(one);
  }
  return parsed;
}
