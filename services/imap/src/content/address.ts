/**
 * RFC 5322 address-list parsing into IMAP's address shape, following what Dovecot does with real
 * (often broken) headers: display names keep their encoded-words, quotes are removed, a comment
 * stands in for a missing display name, and missing parts are filled so clients always get four
 * fields. A group becomes a start marker (mailbox = group name, host NIL), its members, and an end
 * marker (all NIL).
 */
import { readQuotedString, skipCfws } from "@sandmail/mime";

export interface ImapAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

export const MISSING_MAILBOX = "MISSING_MAILBOX";
export const MISSING_DOMAIN = "MISSING_DOMAIN";

/** ASCII atext by character code (RFC 5322 §3.2.3); non-ASCII counts as atext (RFC 6532). */
const ATEXT = new Uint8Array(128);
for (let code = 0x21; code < 0x7f; code++) {
  if (!'()<>[]:;@\\,."'.includes(String.fromCharCode(code))) ATEXT[code] = 1;
}

function isAtextCode(code: number): boolean {
  return code >= 0x80 || ATEXT[code] === 1;
}

function isAtext(c: string): boolean {
  return c !== "" && isAtextCode(c.charCodeAt(0));
}

class Cursor {
  pos = 0;
  lastComment = "";
  /** Set when a quoted string never closed: the rest of the header is unusable. */
  broken = false;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.pos >= this.s.length;
  }

  peek(): string {
    return this.s[this.pos] ?? "";
  }

  /** Skips whitespace and comments; remembers the last comment's text. */
  skipCfws(): void {
    this.pos = skipCfws(this.s, this.pos, (text) => {
      this.lastComment = text;
    });
  }

  quoted(): string {
    const { text, end, closed } = readQuotedString(this.s, this.pos);
    this.pos = end;
    if (!closed) {
      this.broken = true;
      return "";
    }
    this.skipCfws();
    return text;
  }

  /** A run of atext (and dots when allowed). */
  atom(allowDot: boolean): string {
    const start = this.pos;
    const s = this.s;
    for (; this.pos < s.length; this.pos++) {
      const code = s.charCodeAt(this.pos);
      if (!isAtextCode(code) && !(allowDot && code === 0x2e)) break;
    }
    const text = this.s.slice(start, this.pos);
    this.skipCfws();
    return text;
  }
}

/** phrase = 1*word, words joined by one space; dots allowed (obs-phrase). */
function phrase(c: Cursor): string {
  const words: string[] = [];
  for (;;) {
    const ch = c.peek();
    if (ch === '"') words.push(c.quoted());
    else if (ch !== "" && (isAtext(ch) || ch === ".")) words.push(c.atom(true));
    else break;
  }
  return words.join(" ");
}

/** local-part = dot-atom / quoted-string, and the obsolete word *("." word). */
function localPart(c: Cursor): string {
  let text = "";
  for (;;) {
    const ch = c.peek();
    if (ch === '"') text += c.quoted();
    else if (ch !== "" && isAtext(ch)) text += c.atom(false);
    else break;
    if (c.peek() !== ".") break;
    text += ".";
    c.pos++;
    c.skipCfws();
  }
  return text;
}

function domain(c: Cursor): string {
  if (c.peek() === "[") {
    const close = c.s.indexOf("]", c.pos);
    const end = close === -1 ? c.s.length : close + 1;
    const text = c.s.slice(c.pos, end).replace(/[\r\n]/g, "");
    c.pos = end;
    c.skipCfws();
    return text;
  }
  let text = "";
  for (;;) {
    if (c.peek() !== "" && isAtext(c.peek())) text += c.atom(false);
    if (c.peek() !== ".") break;
    text += ".";
    c.pos++;
    c.skipCfws();
  }
  return text;
}

interface Mailbox {
  mailbox: string;
  host: string | null;
  adl: string | null;
}

function addrSpec(c: Cursor): Mailbox {
  const mailbox = localPart(c);
  let host: string | null = null;
  if (c.peek() === "@") {
    c.pos++;
    c.skipCfws();
    host = domain(c);
  }
  return { mailbox, host, adl: null };
}

/** `<[route:]addr-spec>`; the cursor is on `<`. */
function angleAddr(c: Cursor): Mailbox {
  c.pos++;
  c.skipCfws();
  let adl: string | null = null;
  if (c.peek() === "@") {
    const start = c.pos;
    const colon = c.s.indexOf(":", start);
    const close = c.s.indexOf(">", start);
    if (colon !== -1 && (close === -1 || colon < close)) {
      adl = c.s.slice(start, colon).replace(/\s+/g, "");
      c.pos = colon + 1;
      c.skipCfws();
    }
  }
  const spec = addrSpec(c);
  spec.adl = adl;
  // Skip whatever garbage precedes the closing bracket.
  while (!c.done && c.peek() !== ">" && c.peek() !== ",") c.pos++;
  if (c.peek() === ">") c.pos++;
  c.skipCfws();
  return spec;
}

function toImap(name: string | null, box: Mailbox): ImapAddress {
  return {
    name,
    adl: box.adl,
    mailbox: box.mailbox === "" ? MISSING_MAILBOX : box.mailbox,
    host: box.host === null || box.host === "" ? MISSING_DOMAIN : box.host,
  };
}

/** One mailbox (name-addr or addr-spec). Returns null when nothing address-like was there. */
function mailbox(c: Cursor): ImapAddress | null {
  const start = c.pos;
  c.lastComment = "";
  const display = phrase(c);
  if (c.peek() === "<") {
    const box = angleAddr(c);
    return toImap(display === "" ? null : display, box);
  }
  // Not a name-addr: read it again as an addr-spec.
  c.pos = start;
  c.lastComment = "";
  const box = addrSpec(c);
  // An unterminated quote swallows the rest; Dovecot still reports one (empty) address for it.
  if (box.mailbox === "" && box.host === null && !c.broken) return null;
  return toImap(c.lastComment === "" ? null : c.lastComment, box);
}

/** Skips to the next `,` (or `;` inside a group) after unparseable input. */
function skipJunk(c: Cursor, inGroup: boolean): void {
  while (!c.done && c.peek() !== "," && !(inGroup && c.peek() === ";")) {
    if (c.peek() === '"') c.quoted();
    else c.pos++;
  }
}

/** Parses an address-list header value (folding already removed). */
export function parseAddressList(value: string): ImapAddress[] {
  const c = new Cursor(value);
  const out: ImapAddress[] = [];
  c.skipCfws();
  while (!c.done) {
    if (c.peek() === "," || c.peek() === ";") {
      c.pos++;
      c.skipCfws();
      continue;
    }
    const start = c.pos;
    const display = phrase(c);
    if (c.peek() === ":" && display !== "") {
      // group: display-name ":" [mailbox-list] ";"
      c.pos++;
      c.skipCfws();
      out.push({ name: null, adl: null, mailbox: display, host: null });
      while (!c.done && c.peek() !== ";") {
        if (c.peek() === ",") {
          c.pos++;
          c.skipCfws();
          continue;
        }
        const before = c.pos;
        const member = mailbox(c);
        if (member) out.push(member);
        if (c.pos === before || (c.peek() !== "," && c.peek() !== ";")) skipJunk(c, true);
      }
      if (c.peek() === ";") c.pos++;
      c.skipCfws();
      out.push({ name: null, adl: null, mailbox: null, host: null });
      continue;
    }
    c.pos = start;
    const box = mailbox(c);
    if (box) out.push(box);
    if (c.pos === start || (c.peek() !== "," && !c.done)) skipJunk(c, false);
  }
  return out;
}
