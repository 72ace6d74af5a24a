import type { CodeCandidate } from "./code-candidates.js";
import { rangeNear, type Span, spansNear } from "./spans.js";

/** What is known about the text candidates were found in. */
export interface ScanContext {
  text: string;
  /** Words that announce a code ("code", "OTP", "Bestätigungscode", "認証コード"). */
  codeWords: Span[];
  /** Words that come with codes but also without ("log in", "confirm"). */
  weakCodeWords: Span[];
  /** Labels of other numbers ("order", "phone", "zip code"). */
  otherNumberWords: Span[];
  /** Currency, percent and sales words. */
  moneyWords: Span[];
  /** Street and other postal-address words. */
  addressWords: Span[];
  /** The subject announces a code, which makes a code standing alone in the body believable. */
  subjectMentionsCode: boolean;
  /** The text scanned is the subject itself. */
  isSubject: boolean;
}

export interface ScoredCandidate {
  candidate: CodeCandidate;
  score: number;
}

// Distances in characters of normalized text, and what a code word at that distance is worth.
const STRONG: Array<[number, number]> = [
  [20, 0.5],
  [60, 0.4],
  [150, 0.25],
];
const WEAK: Array<[number, number]> = [
  [20, 0.3],
  [60, 0.2],
];
const ALPHANUMERIC_REACH = 60;
// A code word vouches for the candidate nearest to it, and for others almost as near.
const TIE_MARGIN = 10;
const ADJACENT = 3;
const REPORT_AT = 0.5;

/**
 * Scores candidates 0..1 and leaves out those not worth reporting. A candidate needs a code word
 * near it, one for which it is (about) the nearest candidate, so that the one code word of a
 * message does not vouch for every number in it; or it must stand on its own line in a message
 * whose subject announces a code. Its shape, standing alone and the subject add confidence.
 * Years, numbers labelled as something else ("order 1234") and money or promotions are dropped.
 */
export function scoreCandidates(candidates: CodeCandidate[], ctx: ScanContext): ScoredCandidate[] {
  const isEligible = candidates.map(
    (c) =>
      !looksLikeYear(c) &&
      !labelledAsOtherNumber(c, ctx) &&
      !inSameStretch(c, ctx.moneyWords, ctx.text) &&
      !inSameStretch(c, ctx.addressWords, ctx.text) &&
      !isUsZipCode(c, ctx.text),
  );
  const spans: Span[] = candidates.map((c) => [c.start, c.end]);
  const strong = vouch(spans, isEligible, ctx.codeWords, STRONG);
  const weak = vouch(spans, isEligible, ctx.weakCodeWords, WEAK);

  const scored: ScoredCandidate[] = [];
  candidates.forEach((candidate, i) => {
    if (!isEligible[i]) return;
    const strongDistance = strong.get(i);
    const proximity = Math.max(worth(strongDistance, STRONG), worth(weak.get(i), WEAK));
    const alone = standsOnItsOwnLine(ctx.text, candidate);
    const fromSubject = ctx.subjectMentionsCode && !ctx.isSubject;
    if (proximity === 0 && !(alone && fromSubject)) return;
    if (
      candidate.shape === "alphanumeric" &&
      !(strongDistance !== undefined && strongDistance <= ALPHANUMERIC_REACH)
    ) {
      return;
    }
    const score = proximity + shapeWeight(candidate) + (alone ? 0.15 : 0) + (fromSubject ? 0.1 : 0);
    if (score >= REPORT_AT) scored.push({ candidate, score: Math.round(Math.min(1, score) * 100) / 100 });
  });
  return scored;
}

/**
 * For each candidate index, the distance to the nearest code word that vouches for it. A code
 * word right next to a number that is not a code ("promo code SPRING24") vouches for nothing.
 */
function vouch(
  candidates: Span[],
  isEligible: boolean[],
  words: Span[],
  table: Array<[number, number]>,
): Map<number, number> {
  const reach = table.at(-1)?.[0] ?? 0;
  const vouched = new Map<number, number>();
  for (const word of words) {
    const [first, last] = rangeNear(candidates, word[0] - reach, word[1] + reach);
    let nearest = Number.POSITIVE_INFINITY;
    let taken = false;
    for (let i = first; i < last; i++) {
      const distance = distanceBetween(word, candidates[i] ?? word);
      if (isEligible[i]) nearest = Math.min(nearest, distance);
      else if (distance <= ADJACENT) taken = true;
    }
    if (taken) continue;
    for (let i = first; i < last; i++) {
      const distance = distanceBetween(word, candidates[i] ?? word);
      if (!isEligible[i] || distance > reach || distance > nearest + TIE_MARGIN) continue;
      const known = vouched.get(i);
      if (known === undefined || distance < known) vouched.set(i, distance);
    }
  }
  return vouched;
}

function worth(distance: number | undefined, table: Array<[number, number]>): number {
  if (distance === undefined) return 0;
  return table.find(([upTo]) => distance <= upTo)?.[1] ?? 0;
}

function distanceBetween([start, end]: Span, [otherStart, otherEnd]: Span): number {
  if (end <= otherStart) return otherStart - end;
  if (start >= otherEnd) return start - otherEnd;
  return 0;
}

function shapeWeight(candidate: CodeCandidate): number {
  const length = candidate.value.length;
  switch (candidate.shape) {
    case "digits":
    case "grouped-digits":
      return length === 6 ? 0.25 : 0.15;
    case "spaced-digits":
      return 0.2;
    case "alphanumeric":
      return candidate.raw.includes("-") ? 0.2 : 0.15;
  }
}

function standsOnItsOwnLine(text: string, candidate: CodeCandidate): boolean {
  const lineStart = text.lastIndexOf("\n", candidate.start - 1) + 1;
  const lineEndAt = text.indexOf("\n", candidate.end);
  const lineEnd = lineEndAt === -1 ? text.length : lineEndAt;
  const rest = text.slice(lineStart, candidate.start) + text.slice(candidate.end, lineEnd);
  return !/[\p{L}\p{N}]/u.test(rest);
}

function looksLikeYear(candidate: CodeCandidate): boolean {
  return candidate.shape === "digits" && /^(?:19|20)\d\d$/.test(candidate.value);
}

// What may stand between a label and its number: "Order 1234", "Tel.: 1234", "pedido nº 1234".
const LABEL_GAP = /^[\s:#.]*(?:(?:no|nº|n°|nr|num|number|número|numéro|nummer|numero|id)[\s:#.]*)?$/iu;

// "Order 12345678", "Tel.: 5551234", "Bestellnummer 12345678": a label right before the number.
function labelledAsOtherNumber(candidate: CodeCandidate, ctx: ScanContext): boolean {
  return spansNear(ctx.otherNumberWords, candidate.start - 16, candidate.start).some(([, end]) => {
    if (end > candidate.start) return false;
    const between = ctx.text.slice(end, candidate.start);
    return between.length <= 16 && LABEL_GAP.test(between);
  });
}

// "Save 20% with code SPRING24", "use WELCOME10 at checkout", "Calle de Alcalá 48, 28014 Madrid":
// a promotion or an address in the same stretch of the same sentence.
function inSameStretch(candidate: CodeCandidate, words: Span[], text: string): boolean {
  return spansNear(words, candidate.start - 40, candidate.end + 40).some(([start, end]) => {
    const between =
      end <= candidate.start
        ? text.slice(end, candidate.start)
        : start >= candidate.end
          ? text.slice(candidate.end, start)
          : "";
    return between.length <= 40 && !/[.!?](?:\s|$)|\n/.test(between);
  });
}

// "Springfield, IL 62704": a state abbreviation (capitals, so not any two-letter word) and five digits.
function isUsZipCode(candidate: CodeCandidate, text: string): boolean {
  return (
    candidate.shape === "digits" &&
    candidate.value.length === 5 &&
    /(?:^|[\s,])[A-Z]{2} $/.test(text.slice(Math.max(0, candidate.start - 4), candidate.start))
  );
}
