/**
 * The small AST shared by the IMAP parser (client -> server) and the response writer
 * (server -> client). Commands and content builders speak only these types.
 */

/** One parsed command argument. */
export type Token = AtomToken | StringToken | ListToken;

export interface AtomToken {
  type: "atom";
  /** As sent (case preserved): `NIL`, `123`, `1:*`, `\Seen`, `BODY.PEEK`, `INBOX`... */
  value: string;
  /** For fetch attributes written with brackets, e.g. `BODY[1.HEADER.FIELDS (FROM TO)]`: the tokens inside. */
  section?: Token[];
  /** For `<start.length>` after a section; length may be absent in SEARCH/other contexts. */
  partial?: { start: number; length?: number };
  /** With a section: the whole atom as sent, for commands that read it as an astring (`a[b]`). */
  raw?: string;
}

export interface StringToken {
  /** A quoted string or a literal (`{n}` / `{n+}`); bytes as received. */
  type: "string";
  value: Buffer;
  literal: boolean;
  /** Sent as literal8 (`~{n}`, RFC 3516): may hold any byte, NUL included. */
  binary?: boolean;
}

export interface ListToken {
  type: "list";
  items: Token[];
}

/** A parsed command line: `tag SP name [SP args]`. */
export interface Command {
  tag: string;
  /** Upper-cased command name; for `UID FETCH` etc. `uid` is true and name is `FETCH`. */
  name: string;
  uid: boolean;
  args: Token[];
  /**
   * UTF8=ACCEPT was on when the command was read (RFC 6855 §3): its mailbox names are UTF-8, not
   * modified UTF-7. Set by the connection, which knows the session; the tokenizer does not.
   */
  utf8?: boolean;
}

/** A value in a response, serialized by the writer. */
export type Value =
  | null // NIL
  | number
  | bigint
  | string // quoted when safe, else a literal (the writer decides)
  | Atom
  | Literal
  | Utf8Quoted
  | Value[]; // parenthesized list

export class Atom {
  constructor(readonly value: string) {}
}

/** Always sent as a literal, e.g. message bodies; `binary` ones as literal8 (`~{n}`, RFC 3516). */
export class Literal {
  constructor(
    readonly bytes: Buffer,
    readonly binary = false,
  ) {}
}

/**
 * Text sent as a quoted string even when it holds UTF-8, which RFC 6855 §3 allows once the client
 * enabled UTF8=ACCEPT (mailbox names then); a literal only where quoting cannot carry it.
 */
export class Utf8Quoted {
  constructor(readonly text: string) {}
}

export const atom = (value: string): Atom => new Atom(value);
export const literal = (bytes: Buffer): Literal => new Literal(bytes);
export const literal8 = (bytes: Buffer): Literal => new Literal(bytes, true);
