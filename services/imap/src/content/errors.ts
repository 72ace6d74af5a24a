/**
 * Typed errors the content layer throws; the command layer maps them onto IMAP responses.
 * They never escape as crashes: each describes bad client input.
 */

/** Malformed command arguments: the server answers `BAD <message>`. */
export class ImapSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImapSyntaxError";
  }
}

/** The charsets SEARCH understands, as advertised in `NO [BADCHARSET (...)]`. */
export const SupportedCharsets = ["US-ASCII", "UTF-8"] as const;

/** SEARCH CHARSET the server does not support: the server answers `NO [BADCHARSET (US-ASCII UTF-8)]`. */
export class BadCharsetError extends Error {
  readonly charsets = SupportedCharsets;
  constructor(readonly charset: string) {
    super(`charset ${charset} is not supported`);
    this.name = "BadCharsetError";
  }
}
