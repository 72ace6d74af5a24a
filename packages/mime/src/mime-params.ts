/**
 * The one parser of structured MIME header values (Content-Type, Content-Disposition). Parsed the
 * way IMAP servers report them: parameter names as written, values unquoted, RFC 2231 continuations joined. An
 * RFC 2231 charset-encoded value stays encoded under its `name*` key (`utf-8''%E2%82%AC.txt`),
 * as Dovecot sends it: the writer needs no 8-bit strings and clients decode it themselves.
 */
import { decodeCharset } from "./decode.js";
import { readQuotedString, skipCfws } from "./rfc5322-lexer.js";

export interface MimeValue {
  /** The value before the first `;` (e.g. `text/plain`, `attachment`), as written. */
  value: string;
  params: Array<[string, string]>;
}

const TSPECIALS = '()<>@,;:\\"/[]?=';

function readToken(s: string, pos: number): [string, number] {
  const start = pos;
  while (pos < s.length) {
    const c = s[pos]!;
    if (c <= " " || c === "\x7f" || TSPECIALS.includes(c)) break;
    pos++;
  }
  return [s.slice(start, pos), pos];
}

function readQuoted(s: string, pos: number): [string, number] {
  const { text, end } = readQuotedString(s, pos);
  return [text, end];
}

/** Parses `value *(";" attribute "=" value)`. Bad parameters are skipped, never thrown. */
export function parseMimeValue(input: string): MimeValue {
  let pos = skipCfws(input, 0);
  const semi = input.indexOf(";", pos);
  const value = (semi === -1 ? input.slice(pos) : input.slice(pos, semi)).replace(/\([^)]*\)/g, "").trim();
  pos = semi === -1 ? input.length : semi;
  const raw: Array<[string, string]> = [];
  while (pos < input.length) {
    if (input[pos] !== ";") {
      // Junk between parameters: move on to the next one.
      const next = input.indexOf(";", pos);
      if (next === -1) break;
      pos = next;
    }
    pos = skipCfws(input, pos + 1);
    let name: string;
    [name, pos] = readToken(input, pos);
    pos = skipCfws(input, pos);
    if (name === "" || input[pos] !== "=") continue;
    pos = skipCfws(input, pos + 1);
    let val: string;
    if (input[pos] === '"') [val, pos] = readQuoted(input, pos);
    else {
      const start = pos;
      while (pos < input.length && input[pos] !== ";" && input[pos] !== " " && input[pos] !== "\t") pos++;
      val = input.slice(start, pos);
    }
    pos = skipCfws(input, pos);
    raw.push([name, val]);
  }
  return { value, params: joinContinuations(raw) };
}

/** RFC 2231: `name*0`, `name*1*`... become one `name` (or `name*` when any piece is encoded). */
function joinContinuations(raw: Array<[string, string]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const groups = new Map<string, { pieces: Array<[number, string, boolean]>; index: number }>();
  for (const [name, value] of raw) {
    const m = /^(.+?)\*([0-9]+)(\*?)$/.exec(name);
    if (!m) {
      out.push([name, value]);
      continue;
    }
    const base = m[1]!;
    let group = groups.get(base);
    if (!group) {
      group = { pieces: [], index: out.length };
      groups.set(base, group);
      out.push([base, ""]); // placeholder keeps the parameter's position
    }
    group.pieces.push([Number(m[2]), value, m[3] === "*"]);
  }
  for (const [base, group] of groups) {
    group.pieces.sort((a, b) => a[0] - b[0]);
    const encoded = group.pieces.some((p) => p[2]);
    const value = group.pieces
      .map(([, v, isEncoded]) => (encoded && !isEncoded ? percentEncode(v) : v))
      .join("");
    out[group.index] = [encoded ? `${base}*` : base, value];
  }
  return out;
}

function percentEncode(s: string): string {
  return s.replace(/[^A-Za-z0-9!#$&+.^_`{}~-]/g, (c) =>
    [...Buffer.from(c, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}

/** `utf-8'en'%E2%82%AC.txt` (RFC 2231) -> `€.txt`; a value that is not in that form as it is. */
function decodeExtValue(value: string): string {
  const m = /^([^']*)'[^']*'(.*)$/s.exec(value);
  if (!m) return value;
  const bytes = Buffer.from(
    m[2]!.replace(/%([0-9A-Fa-f]{2})|[^%]+|%/g, (all, hex: string | undefined) =>
      hex ? String.fromCharCode(Number.parseInt(hex, 16)) : all,
    ),
    "latin1",
  );
  return decodeCharset(bytes, m[1] || undefined);
}

/**
 * The value lowercased and the parameters by lowercased name, RFC 2231 values decoded to text: the
 * form the MIME index keeps (charset, boundary, name, filename). A decoded `name*` wins over `name`.
 */
export function mimeValueDecoded(input: string): { value: string; params: Record<string, string> } {
  const { value, params } = parseMimeValue(input);
  const out: Record<string, string> = {};
  for (const [name, raw] of params) {
    const extended = name.endsWith("*");
    const key = (extended ? name.slice(0, -1) : name).toLowerCase();
    if (!extended && Object.hasOwn(out, key)) continue;
    out[key] = extended ? decodeExtValue(raw) : raw;
  }
  return { value: value.toLowerCase(), params: out };
}
