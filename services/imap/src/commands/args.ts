/**
 * Reading a command's arguments against what it expects. Every mismatch is an ArgError,
 * which the dispatcher answers with BAD; nothing here touches the store.
 */
import type { Token } from "../protocol/ast.js";
import { normalizeInbox, suppliedMailboxName } from "../protocol/mailbox-name.js";
import { parseSequenceSet, type SeqRange, SequenceSetError } from "../protocol/sequence.js";

export class ArgError extends Error {}

export class Args {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly command: string,
    /** UTF8=ACCEPT is on: mailbox names are UTF-8 as sent (see Command.utf8). */
    private readonly utf8 = false,
  ) {}

  get remaining(): number {
    return this.tokens.length - this.i;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  next(what: string): Token {
    const t = this.tokens[this.i];
    if (!t) throw new ArgError(`${this.command}: missing ${what}`);
    this.i++;
    return t;
  }

  /** The rest of the arguments, as given. */
  rest(): Token[] {
    const out = this.tokens.slice(this.i);
    this.i = this.tokens.length;
    return out;
  }

  end(): void {
    if (this.i < this.tokens.length) throw new ArgError(`${this.command}: too many arguments`);
  }

  atom(what: string): string {
    const t = this.next(what);
    if (t.type !== "atom" || t.section) throw new ArgError(`${this.command}: ${what} must be an atom`);
    return t.value;
  }

  /** Atom, quoted string or literal, as UTF-8 text. */
  astring(what: string): string {
    return tokenText(this.next(what), `${this.command}: ${what}`);
  }

  /** A mailbox name (modified UTF-7 decoded, INBOX normalised). */
  mailbox(what = "mailbox name"): string {
    // An invalid name is a MailboxNameError: NO, as Dovecot answers, since the syntax was right.
    return this.namedMailbox(what).name;
  }

  /** A mailbox name normalised (`name`) and as the client wrote it (`supplied`, for OLDNAME). */
  namedMailbox(what = "mailbox name"): { name: string; supplied: string } {
    const supplied = suppliedMailboxName(this.astring(what), this.utf8);
    return { name: normalizeInbox(supplied), supplied };
  }

  list(what: string): Token[] {
    const t = this.next(what);
    if (t.type !== "list") throw new ArgError(`${this.command}: ${what} must be a parenthesized list`);
    return t.items;
  }

  /** A list, or a single atom standing for a one-item list (as clients send flags). */
  listOrAtom(what: string): Token[] {
    const t = this.next(what);
    if (t.type === "list") return t.items;
    if (t.type === "atom") return [t];
    throw new ArgError(`${this.command}: ${what} must be a list`);
  }

  sequenceSet(what = "sequence set"): SeqRange[] {
    const text = this.atom(what);
    try {
      return parseSequenceSet(text);
    } catch (err) {
      if (err instanceof SequenceSetError) throw new ArgError(`${this.command}: ${err.message}`);
      throw err;
    }
  }
}

export function tokenText(t: Token, what: string): string {
  if (t.type === "atom") {
    if (!t.section) return t.value;
    // `a[b]` reads like a fetch section, yet as an astring it is just text.
    if (t.raw !== undefined) return t.raw;
  }
  if (t.type === "string") return t.value.toString("utf8");
  throw new ArgError(`${what} must be a string`);
}

export function flagList(tokens: Token[], what: string): string[] {
  const flags: string[] = [];
  for (const t of tokens) {
    if (t.type !== "atom" || t.section || !/^\\?[^\s()\]{%*"\\]+$/.test(t.value)) {
      throw new ArgError(`${what}: invalid flag`);
    }
    flags.push(canonicalFlag(t.value));
  }
  return [...new Set(flags)];
}

const systemFlags = new Map(
  ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Recent"].map((f) => [f.toLowerCase(), f]),
);

/** System flags are case-insensitive: store them as RFC 3501 spells them. */
export function canonicalFlag(flag: string): string {
  return systemFlags.get(flag.toLowerCase()) ?? flag;
}

export function parseDateTime(text: string): Date | undefined {
  // date-time = "dd-Mon-yyyy hh:mm:ss +zzzz"
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return undefined;
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === "-" ? -1 : 1);
  const d = new Date(utc - offset * 60_000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** INTERNALDATE as IMAP writes it, in UTC. */
export function formatDateTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getUTCDate())}-${MONTH_NAMES[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
