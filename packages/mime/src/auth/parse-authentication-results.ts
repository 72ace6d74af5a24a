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

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";

/** A comment's text, nested parentheses kept; the opening "(" is at sc.pos. */
function readComment(sc: Scanner): string {
  let depth = 0;
  let text = "";
  while (sc.pos < sc.s.length) {
    const c = sc.s[sc.pos++]!;
    if (c === "\\" && sc.pos < sc.s.length) {
      text += sc.s[sc.pos++];
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
  return text.replace(/\s+/g, " ").trim();
}

/** Skips whitespace and comments, returning the comments' texts. */
function skipCfws(sc: Scanner): string[] {
  const comments: string[] = [];
  while (sc.pos < sc.s.length) {
    const c = sc.s[sc.pos];
    if (isSpace(c)) {
      sc.pos++;
    } else if (c === "(") {
      const text = readComment(sc);
      if (text) comments.push(text);
    } else {
      break;
    }
  }
  return comments;
}

function readQuoted(sc: Scanner): string {
  let text = "";
  sc.pos++; // opening quote
  while (sc.pos < sc.s.length) {
    const c = sc.s[sc.pos++]!;
    if (c === "\\" && sc.pos < sc.s.length) {
      text += sc.s[sc.pos++];
    } else if (c === '"') {
      break;
    } else {
      text += c;
    }
  }
  return text;
}

/** A quoted string or a run of characters up to whitespace, "(", '"' or one of `stops`. */
function readValue(sc: Scanner, stops: string): string | undefined {
  if (sc.s[sc.pos] === '"') return readQuoted(sc);
  const start = sc.pos;
  while (sc.pos < sc.s.length) {
    const c = sc.s[sc.pos]!;
    if (isSpace(c) || c === "(" || c === '"' || stops.includes(c)) break;
    sc.pos++;
  }
  return sc.pos > start ? sc.s.slice(start, sc.pos) : undefined;
}

/** Moves to the next ";" outside quotes and comments. */
function skipToSemicolon(sc: Scanner): void {
  while (sc.pos < sc.s.length && sc.s[sc.pos] !== ";") {
    const c = sc.s[sc.pos];
    if (c === '"') readQuoted(sc);
    else if (c === "(") readComment(sc);
    else sc.pos++;
  }
}

function readResult(sc: Scanner): ReceivedMethodResult | undefined {
  const methodToken = readValue(sc, ";=/");
  if (!methodToken) return undefined;
  const comments = skipCfws(sc);
  let methodVersion: number | undefined;
  if (sc.s[sc.pos] === "/") {
    sc.pos++;
    skipCfws(sc);
    const v = readValue(sc, ";=");
    if (v && /^\d+$/.test(v)) methodVersion = Number(v);
    comments.push(...skipCfws(sc));
  }
  if (sc.s[sc.pos] !== "=") return undefined;
  sc.pos++;
  comments.push(...skipCfws(sc));
  const result = readValue(sc, ";");
  if (!result) return undefined;

  const entry: ReceivedMethodResult = {
    method: methodToken.toLowerCase(),
    result: result.toLowerCase(),
    properties: {},
  };
  if (methodVersion !== undefined) entry.methodVersion = methodVersion;

  comments.push(...skipCfws(sc));
  while (sc.pos < sc.s.length && sc.s[sc.pos] !== ";") {
    const key = readValue(sc, ";=");
    if (!key) {
      sc.pos++; // a stray "=" or quote: step over it rather than loop on it
      comments.push(...skipCfws(sc));
      continue;
    }
    comments.push(...skipCfws(sc));
    if (sc.s[sc.pos] !== "=") continue; // a bare word: nothing to record
    sc.pos++;
    comments.push(...skipCfws(sc));
    const value = readValue(sc, ";") ?? "";
    comments.push(...skipCfws(sc));
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
  skipCfws(sc);
  const authservId = readValue(sc, ";");
  if (!authservId) return undefined;
  const parsed: ReceivedAuthResult = { authservId, results: [], raw };
  skipCfws(sc);
  if (sc.s[sc.pos] !== ";") {
    const version = readValue(sc, ";");
    if (version && /^\d+$/.test(version)) parsed.version = Number(version);
  }

  while (sc.pos < sc.s.length) {
    skipCfws(sc);
    if (sc.s[sc.pos] !== ";") {
      skipToSemicolon(sc);
      continue;
    }
    sc.pos++;
    skipCfws(sc);
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
