/**
 * Mailbox names: modified UTF-7 on the wire (RFC 3501 §5.1.3), UTF-8 in the store. INBOX is
 * case-insensitive; the hierarchy delimiter is "/".
 */
import utf7 from "utf7";

export const DELIMITER = "/";

export class MailboxNameError extends Error {}

/** Wire name (bytes of an astring) -> stored name. */
export function decodeMailboxName(wire: string): string {
  // Raw 8-bit names are taken as UTF-8 (some clients send them); otherwise decode modified UTF-7.
  const decoded = /[^\x20-\x7e]/.test(wire) ? wire : utf7.imap.decode(wire);
  if (decoded === "" || decoded.includes("\0") || /[\r\n]/.test(decoded)) {
    throw new MailboxNameError("Invalid mailbox name");
  }
  let name = decoded;
  while (name.endsWith(DELIMITER) && name.length > 1) name = name.slice(0, -1);
  return normalizeInbox(name);
}

/** Stored name -> wire name. */
export function encodeMailboxName(name: string): string {
  return utf7.imap.encode(name);
}

export function normalizeInbox(name: string): string {
  if (name.toUpperCase() === "INBOX") return "INBOX";
  const slash = name.indexOf(DELIMITER);
  if (slash > 0 && name.slice(0, slash).toUpperCase() === "INBOX") return `INBOX${name.slice(slash)}`;
  return name;
}
