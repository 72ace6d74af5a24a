import type { Token } from "../protocol/ast.js";
import { SEARCH_RESULT } from "../protocol/sequence.js";
import { BadCharsetError, ImapSyntaxError, SupportedCharsets } from "./errors.js";
import { fold } from "./fold.js";
import { parseSequenceSet, type SequenceSet } from "./sequence-set.js";

/** A compiled SEARCH program (RFC 3501 §6.4.4). String needles are already case-folded. */
export type SearchKey =
  | { type: "all" }
  | { type: "and"; keys: SearchKey[] }
  | { type: "or"; left: SearchKey; right: SearchKey }
  | { type: "not"; key: SearchKey }
  /** A system flag or keyword is set (set = true) or not set (set = false). */
  | { type: "flag"; flag: string; set: boolean }
  | { type: "recent" }
  /** Header field (lowercased name) contains the needle; address fields compare their parsed form. */
  | { type: "header"; field: string; needle: string }
  | { type: "body"; needle: string }
  | { type: "text"; needle: string }
  /** Day numbers are days since 1970-01-01; internal = INTERNALDATE, sent = the Date header. */
  | { type: "date"; field: "internal" | "sent"; op: "before" | "on" | "since"; day: number }
  | { type: "size"; op: "larger" | "smaller"; size: number }
  | { type: "seq"; set: SequenceSet }
  | { type: "uid"; set: SequenceSet }
  /** SEARCHRES `$`: the messages of the saved search result. */
  | { type: "saved" }
  | { type: "modseq"; min: number };

/** A key that tests the message itself: anything but AND, OR and NOT. */
export type SearchLeaf = Exclude<SearchKey, { type: "and" | "or" | "not" }>;

/**
 * Whether some test of the key, below its ANDs, ORs and NOTs, passes `test`: the one walk for
 * the questions asked of a key before it runs (does it read content, use MODSEQ, ...).
 */
export function someSearchLeaf(key: SearchKey, test: (leaf: SearchLeaf) => boolean): boolean {
  switch (key.type) {
    case "and":
      return key.keys.some((k) => someSearchLeaf(k, test));
    case "or":
      return someSearchLeaf(key.left, test) || someSearchLeaf(key.right, test);
    case "not":
      return someSearchLeaf(key.key, test);
    default:
      return test(key);
  }
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ["\\Answered", true],
  DELETED: ["\\Deleted", true],
  DRAFT: ["\\Draft", true],
  FLAGGED: ["\\Flagged", true],
  SEEN: ["\\Seen", true],
  UNANSWERED: ["\\Answered", false],
  UNDELETED: ["\\Deleted", false],
  UNDRAFT: ["\\Draft", false],
  UNFLAGGED: ["\\Flagged", false],
  UNSEEN: ["\\Seen", false],
};

const HEADER_KEYS: Record<string, string> = {
  BCC: "bcc",
  CC: "cc",
  FROM: "from",
  SUBJECT: "subject",
  TO: "to",
};

const DATE_KEYS: Record<string, ["internal" | "sent", "before" | "on" | "since"]> = {
  BEFORE: ["internal", "before"],
  ON: ["internal", "on"],
  SINCE: ["internal", "since"],
  SENTBEFORE: ["sent", "before"],
  SENTON: ["sent", "on"],
  SENTSINCE: ["sent", "since"],
};

/** Parses an IMAP `date` (`1-Feb-1994`) into a day number. */
export function parseSearchDate(text: string): number {
  const m = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
  const day = m ? Number(m[1]) : 0;
  if (!m || month === -1 || day < 1 || day > 31) throw new ImapSyntaxError(`invalid date: ${text}`);
  return Date.UTC(Number(m[3]), month, day) / 86_400_000;
}

class Reader {
  pos = 0;
  constructor(
    readonly tokens: Token[],
    readonly charset: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  next(what: string): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new ImapSyntaxError(`missing ${what}`);
    return t;
  }

  atom(what: string): string {
    const t = this.next(what);
    if (t.type !== "atom" || t.section || t.partial) throw new ImapSyntaxError(`expected ${what}`);
    return t.value;
  }

  astring(what: string): string {
    const t = this.next(what);
    if (t.type === "atom") return t.value;
    if (t.type === "string") return t.value.toString("utf8");
    throw new ImapSyntaxError(`expected ${what}`);
  }

  number(what: string): number {
    const text = this.atom(what);
    if (!/^[0-9]{1,20}$/.test(text)) throw new ImapSyntaxError(`expected ${what}, got ${text}`);
    return Number(text);
  }

  date(): number {
    return parseSearchDate(this.astring("date"));
  }
}

/** A sequence-set key; `$` (in either form) stands for the saved result's messages. */
function setKey(type: "seq" | "uid", set: SequenceSet): SearchKey {
  return set === SEARCH_RESULT ? { type: "saved" } : { type, set };
}

function readKey(r: Reader): SearchKey {
  const t = r.next("search key");
  if (t.type === "list") {
    if (t.items.length === 0) throw new ImapSyntaxError("empty search list");
    return readAll(new Reader(t.items, r.charset));
  }
  if (t.type !== "atom") throw new ImapSyntaxError("expected a search key");
  const name = t.value.toUpperCase();
  const flag = FLAG_KEYS[name];
  if (flag) return { type: "flag", flag: flag[0], set: flag[1] };
  const header = HEADER_KEYS[name];
  if (header) return { type: "header", field: header, needle: fold(r.astring(name)) };
  const date = DATE_KEYS[name];
  if (date) return { type: "date", field: date[0], op: date[1], day: r.date() };
  switch (name) {
    case "ALL":
      return { type: "all" };
    case "NEW":
      return { type: "and", keys: [{ type: "recent" }, { type: "flag", flag: "\\Seen", set: false }] };
    case "OLD":
      return { type: "not", key: { type: "recent" } };
    case "RECENT":
      return { type: "recent" };
    case "KEYWORD":
    case "UNKEYWORD": {
      const keyword = r.atom("keyword");
      return { type: "flag", flag: keyword, set: name === "KEYWORD" };
    }
    case "HEADER": {
      const field = r.astring("header field name").toLowerCase();
      return { type: "header", field, needle: fold(r.astring("header value")) };
    }
    case "BODY":
      return { type: "body", needle: fold(r.astring("BODY string")) };
    case "TEXT":
      return { type: "text", needle: fold(r.astring("TEXT string")) };
    case "LARGER":
      return { type: "size", op: "larger", size: r.number("size") };
    case "SMALLER":
      return { type: "size", op: "smaller", size: r.number("size") };
    case "UID":
      return setKey("uid", parseSequenceSet(r.atom("UID set")));
    case "NOT":
      return { type: "not", key: readKey(r) };
    case "OR": {
      const left = readKey(r);
      return { type: "or", left, right: readKey(r) };
    }
    case "MODSEQ": {
      // CONDSTORE: MODSEQ [entry-name entry-type] mod-sequence-valzer
      const t2 = r.tokens[r.pos];
      if (t2 && t2.type === "string") {
        r.pos++;
        r.atom("entry type");
      }
      return { type: "modseq", min: r.number("mod-sequence") };
    }
  }
  // No search key starts with a digit, `*` or `$`: such an atom is a sequence set, and the one
  // sequence-set parser decides whether it is a valid one (BAD for `0`, `1:`, ...).
  if (/^[0-9*$]/.test(t.value)) return setKey("seq", parseSequenceSet(t.value));
  throw new ImapSyntaxError(`unknown search key: ${t.value}`);
}

function readAll(r: Reader): SearchKey {
  const keys: SearchKey[] = [];
  while (!r.done) keys.push(readKey(r));
  return keys.length === 1 ? keys[0]! : { type: "and", keys };
}

/**
 * Compiles SEARCH arguments into a SearchKey. A leading `CHARSET name` is read here when the
 * caller has not taken it off already (then pass it as `charset`). Throws BadCharsetError for a
 * charset other than US-ASCII or UTF-8, ImapSyntaxError for anything malformed.
 */
export function compileSearch(args: Token[], charset?: string): SearchKey {
  let tokens = args;
  let cs = charset;
  const first = tokens[0];
  if (first && first.type === "atom" && first.value.toUpperCase() === "CHARSET") {
    const name = tokens[1];
    if (!name || name.type === "list") throw new ImapSyntaxError("CHARSET needs a name");
    cs = name.type === "atom" ? name.value : name.value.toString("utf8");
    tokens = tokens.slice(2);
  }
  const upper = (cs ?? "US-ASCII").toUpperCase();
  if (!(SupportedCharsets as readonly string[]).includes(upper)) throw new BadCharsetError(cs ?? "");
  if (tokens.length === 0) throw new ImapSyntaxError("missing search criteria");
  return readAll(new Reader(tokens, upper));
}
