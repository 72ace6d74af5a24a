import { type Span, spansNear } from "./spans.js";

/** Something shaped like a one-time code, found in normalized text. */
export interface CodeCandidate {
  raw: string;
  value: string;
  start: number;
  end: number;
  shape: "digits" | "grouped-digits" | "spaced-digits" | "alphanumeric";
}

// Characters that make a word in scripts written with spaces: a code must not touch them.
// CJK letters may touch a code ("コードは123456です"), so they are not listed.
const WORD =
  "[\\p{Script=Latin}\\p{Script=Greek}\\p{Script=Cyrillic}\\p{Script=Arabic}\\p{Script=Hebrew}\\p{N}_]";
const SHAPES: Array<[CodeCandidate["shape"], RegExp]> = [
  ["grouped-digits", new RegExp(`(?<!${WORD})\\d{3,4}[ -]\\d{3,4}(?!${WORD})`, "gu")],
  ["spaced-digits", new RegExp(`(?<!${WORD})\\d(?: \\d){3,7}(?!${WORD})`, "gu")],
  ["digits", new RegExp(`(?<!${WORD})\\d{4,8}(?!${WORD})`, "gu")],
  ["alphanumeric", new RegExp(`(?<!${WORD})[A-Z0-9]{3,4}-[A-Z0-9]{3,4}(?!${WORD})`, "gu")],
  ["alphanumeric", new RegExp(`(?<!${WORD})[A-Z0-9]{4,8}(?!${WORD})`, "gu")],
];

const ALNUM = /[\p{L}\p{N}]/u;
const DIGIT = /\d/;
// Signs that glue a number into something bigger: a date, time, decimal, version, range or id.
const JOINERS = new Set([".", ",", ":", "/", "-", "–", "_", "+", "="]);
// Units written right after a number in CJK text: year, month, day, hour, minute, second, yen, yuan, won.
const CJK_UNITS = new Set(["年", "月", "日", "時", "分", "秒", "円", "元", "원", "号", "番"]);
// A code stands alone; these next to it make it a hex colour, a handle, a measure or money.
const REJECT_BEFORE = new Set(["#", "@", "$", "€", "£", "¥", "₹", "₩", "₽", "¢", "©", "№", "§", "&", "~"]);
const REJECT_AFTER = new Set(["%", "°", "€", "$", "£", "¥", "@", "&", "円", "元", "원"]);

/**
 * Code-shaped tokens that stand on their own: not part of a longer number (phone, date, price,
 * IBAN), not glued to letters, not inside `masked` spans (URLs and addresses). Where shapes
 * overlap, the longer token wins ("1234 5678" over "1234").
 */
export function findCandidates(text: string, masked: Span[]): CodeCandidate[] {
  const found: CodeCandidate[] = [];
  // Characters already claimed by a longer candidate.
  const claimed = new Uint8Array(text.length);
  for (const [shape, re] of SHAPES) {
    for (const match of text.matchAll(re)) {
      const raw = match[0];
      const start = match.index;
      const end = start + raw.length;
      if (claimed.subarray(start, end).some((taken) => taken === 1)) continue;
      if (spansNear(masked, start, end).length > 0) continue;
      if (!standsAlone(text, start, end)) continue;
      if (shape === "alphanumeric" && !looksLikeAlphanumericCode(raw)) continue;
      if (shape === "grouped-digits" && !groupedLength(raw)) continue;
      found.push({ raw, value: codeValue(raw, shape), start, end, shape });
      claimed.fill(1, start, end);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function standsAlone(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? "";
  const before2 = text[start - 2] ?? "";
  const after = text[end] ?? "";
  const after2 = text[end + 1] ?? "";
  if (REJECT_BEFORE.has(before) || REJECT_AFTER.has(after) || CJK_UNITS.has(after)) return false;
  // "2024-01-15", "12.345,00", "v1.2345", "INV-20240012", "10:30"
  if (JOINERS.has(before) && ALNUM.test(before2)) return false;
  if (JOINERS.has(after) && ALNUM.test(after2)) return false;
  // One group of a longer spaced number: "+49 30 1234 5678", "DE89 3704 0044", "1 234 567"
  if (before === " " && DIGIT.test(before2)) return false;
  if (after === " " && DIGIT.test(after2)) return false;
  // "(555) 123-4567"
  if (before === " " && before2 === ")") return false;
  // "$ 1234", "€ 1234"
  if (before === " " && REJECT_BEFORE.has(before2)) return false;
  if (after === " " && REJECT_AFTER.has(after2)) return false;
  return true;
}

// Codes mix letters and digits (a word in capitals is not a code) and are not measures such as
// "500MB", "1080P", "24H" or short model names such as "MP3", "A4".
function looksLikeAlphanumericCode(raw: string): boolean {
  const compact = raw.replace(/-/g, "");
  if (!/[A-Z]/.test(compact) || !/\d/.test(compact)) return false;
  if (/^\d+[A-Z]{1,3}$/.test(compact)) return false;
  const switches = compact.match(/[A-Z]\d|\d[A-Z]/g)?.length ?? 0;
  return switches >= 2 || (switches === 1 && compact.length >= 6);
}

function groupedLength(raw: string): boolean {
  const digits = raw.replace(/\D/g, "").length;
  return digits >= 6 && digits <= 8;
}

function codeValue(raw: string, shape: CodeCandidate["shape"]): string {
  return shape === "alphanumeric" ? raw.replace(/ /g, "") : raw.replace(/\D/g, "");
}
