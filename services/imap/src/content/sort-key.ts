/**
 * SORT criteria (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO) and the per-message values they
 * compare. Header-derived values are computed once per message (cached with its MIME tree, as
 * the search text is) and compared as Dovecot compares them: strings case-mapped, dates in UTC.
 */
import type { MimeNode } from "@sandmail/core";
import { decodeWords, parseDate } from "@sandmail/mime";
import type { Token } from "../protocol/ast.js";
import { parseAddressList } from "./address.js";
import { baseSubject, caseMap } from "./base-subject.js";
import { ImapSyntaxError } from "./errors.js";
import { firstHeaderValue } from "./message-text.js";

export type SortKeyName =
  | "ARRIVAL"
  | "CC"
  | "DATE"
  | "FROM"
  | "SIZE"
  | "SUBJECT"
  | "TO"
  | "DISPLAYFROM"
  | "DISPLAYTO";

const KEYS = new Set<string>([
  "ARRIVAL",
  "CC",
  "DATE",
  "FROM",
  "SIZE",
  "SUBJECT",
  "TO",
  "DISPLAYFROM",
  "DISPLAYTO",
]);

export interface SortCriterion {
  key: SortKeyName;
  reverse: boolean;
}

/** `(sort-key ...)`: each key optionally preceded by REVERSE. Throws ImapSyntaxError (BAD). */
export function parseSortCriteria(list: Token | undefined): SortCriterion[] {
  if (list?.type !== "list" || list.items.length === 0)
    throw new ImapSyntaxError("SORT needs a parenthesized list of sort criteria");
  const out: SortCriterion[] = [];
  let reverse = false;
  for (const t of list.items) {
    const name = t.type === "atom" && !t.section && !t.partial ? t.value.toUpperCase() : "";
    if (name === "REVERSE" && !reverse) {
      reverse = true;
      continue;
    }
    if (!KEYS.has(name)) throw new ImapSyntaxError("SORT: unknown sort criterion");
    out.push({ key: name as SortKeyName, reverse });
    reverse = false;
  }
  if (reverse) throw new ImapSyntaxError("SORT: REVERSE must precede a sort key");
  return out;
}

/** Whether any criterion reads the message's header (all but ARRIVAL and SIZE). */
export function sortNeedsHeaders(criteria: readonly SortCriterion[]): boolean {
  return criteria.some((c) => c.key !== "ARRIVAL" && c.key !== "SIZE");
}

/** What a sort value is computed from. */
export interface SortFacts {
  internalDate: Date;
  size: number;
  root: MimeNode;
  raw: () => Buffer;
}

type HeaderKey = "CC" | "DATE" | "FROM" | "SUBJECT" | "TO" | "DISPLAYFROM" | "DISPLAYTO";
type HeaderValues = Partial<Record<HeaderKey, string | number>>;

const cache = new WeakMap<MimeNode, HeaderValues>();

/** The first address of the first such field: its parts as our address parser reads them. */
function firstAddress(facts: SortFacts, field: string) {
  const value = firstHeaderValue(facts.root, facts.raw, field);
  return value === undefined ? undefined : parseAddressList(value)[0];
}

/** RFC 5256: the addr-mailbox of the first address. */
function mailboxOf(facts: SortFacts, field: string): string {
  return caseMap(firstAddress(facts, field)?.mailbox ?? "");
}

/** RFC 5957: the decoded display name of the first address, else its addr-spec. */
function displayOf(facts: SortFacts, field: string): string {
  const a = firstAddress(facts, field);
  if (!a) return "";
  const name = a.name === null ? "" : decodeWords(a.name);
  if (name !== "") return caseMap(name);
  if (a.mailbox !== null && a.host !== null) return caseMap(`${a.mailbox}@${a.host}`);
  return caseMap(a.mailbox ?? "");
}

/** The decoded first Subject, "" when there is none. */
export function subjectOf(root: MimeNode, raw: () => Buffer): string {
  const value = firstHeaderValue(root, raw, "subject");
  return value === undefined ? "" : decodeWords(value);
}

/**
 * RFC 5256's sent date in ms since the epoch: the first Date header in UTC, or the internal
 * date when it is missing or does not parse.
 */
export function sentTime(root: MimeNode, raw: () => Buffer, internalDate: Date): number {
  const date = parseDate(firstHeaderValue(root, raw, "date"));
  return date ? date.getTime() : internalDate.getTime();
}

function headerValue(key: HeaderKey, facts: SortFacts): string | number {
  switch (key) {
    case "SUBJECT":
      return baseSubject(subjectOf(facts.root, facts.raw)).subject;
    case "DATE":
      return sentTime(facts.root, facts.raw, facts.internalDate);
    case "FROM":
      return mailboxOf(facts, "from");
    case "TO":
      return mailboxOf(facts, "to");
    case "CC":
      return mailboxOf(facts, "cc");
    case "DISPLAYFROM":
      return displayOf(facts, "from");
    case "DISPLAYTO":
      return displayOf(facts, "to");
  }
}

/** The values one message is sorted by, one per criterion. */
export function sortValues(criteria: readonly SortCriterion[], facts: SortFacts): Array<string | number> {
  return criteria.map(({ key }) => {
    if (key === "ARRIVAL") return facts.internalDate.getTime();
    if (key === "SIZE") return facts.size;
    let entry = cache.get(facts.root);
    if (!entry) {
      entry = {};
      cache.set(facts.root, entry);
    }
    let value = entry[key];
    if (value === undefined) {
      value = headerValue(key, facts);
      entry[key] = value;
    }
    return value;
  });
}

/**
 * Orders two messages' sort values; equal values leave the order to the caller, which breaks
 * ties by sequence number (RFC 5256 §3, unaffected by REVERSE as in Dovecot).
 */
export function compareSortValues(
  criteria: readonly SortCriterion[],
  a: ReadonlyArray<string | number>,
  b: ReadonlyArray<string | number>,
): number {
  for (let i = 0; i < criteria.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const order = x < y ? -1 : 1;
    return criteria[i]!.reverse ? -order : order;
  }
  return 0;
}
