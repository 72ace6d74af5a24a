/**
 * Mailbox names: modified UTF-7 on the wire (RFC 3501 §5.1.3), UTF-8 in the store. INBOX is
 * case-insensitive; the hierarchy delimiter is "/".
 */
import { Utf8Quoted, type Value } from "./ast.js";
import { decodeModifiedUtf7, encodeModifiedUtf7, ModifiedUtf7Error } from "./modified-utf7.js";

export const DELIMITER = "/";

/** The ENABLE name under which mailbox names are UTF-8 both ways (RFC 6855). */
export const UTF8_ACCEPT = "UTF8=ACCEPT";

export class MailboxNameError extends Error {}

/** Wire name (bytes of an astring) -> stored name; under UTF8=ACCEPT (`utf8`) it is UTF-8 as sent. */
export function decodeMailboxName(wire: string, utf8 = false): string {
  return normalizeInbox(suppliedMailboxName(wire, utf8));
}

/**
 * The name a client meant, before normalization: decoded and checked, the trailing delimiters
 * (RFC 3501 §6.3.3's "create below" hint) dropped, INBOX's case as written. IMAP4rev2 reports a
 * name it normalized further with OLDNAME (RFC 9051 §6.3.2).
 */
export function suppliedMailboxName(wire: string, utf8 = false): string {
  // Raw 8-bit names are taken as UTF-8 (some clients send them); otherwise decode modified UTF-7.
  let decoded = wire;
  if (!utf8 && !/[^\x20-\x7e]/.test(wire)) {
    try {
      decoded = decodeModifiedUtf7(wire);
    } catch (err) {
      if (err instanceof ModifiedUtf7Error)
        throw new MailboxNameError("Mailbox name is not valid modified UTF-7");
      throw err;
    }
  }
  if (decoded === "" || decoded.includes("\0") || /[\r\n]/.test(decoded)) {
    throw new MailboxNameError("Invalid mailbox name");
  }
  let name = decoded;
  while (name.endsWith(DELIMITER) && name.length > 1) name = name.slice(0, -1);
  return name;
}

/** Stored name -> wire name. */
export function encodeMailboxName(name: string): string {
  return encodeModifiedUtf7(name);
}

/** Stored name -> the value a response carries: UTF-8 quoted under UTF8=ACCEPT, else modified UTF-7. */
export function mailboxNameValue(name: string, utf8: boolean): Value {
  return utf8 ? new Utf8Quoted(name) : encodeModifiedUtf7(name);
}

/** LIST patterns may carry modified UTF-7 like names do; one that does not decode is taken as sent. */
export function decodeListPattern(wire: string, utf8 = false): string {
  if (utf8 || !wire.includes("&")) return wire;
  try {
    return decodeModifiedUtf7(wire);
  } catch {
    return wire;
  }
}

export function normalizeInbox(name: string): string {
  if (name.toUpperCase() === "INBOX") return "INBOX";
  const slash = name.indexOf(DELIMITER);
  if (slash > 0 && name.slice(0, slash).toUpperCase() === "INBOX") return `INBOX${name.slice(slash)}`;
  return name;
}
