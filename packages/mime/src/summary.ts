import type { AddressValue, MessageSummary } from "@sandmail/core";
import addressparser, { type Address } from "nodemailer/lib/addressparser";
import { decodeWords } from "./decode.js";
import type { EntityHeaders } from "./entity-headers.js";
import { internDate, internString } from "./intern.js";

/** An address-list header -> mailboxes with decoded display names. Groups are flattened to their members. */
// One mailbox in its plainest forms: `a@b`, `<a@b>`, `Name <a@b>`, `"Name" <a@b>`. Most mail's
// From and To look like this, and addressparser costs several microseconds per field.
const PLAIN_ADDR = String.raw`[A-Za-z0-9!#$%&'*+/=?^_\`{|}~.-]+@[A-Za-z0-9.-]+`;
const PLAIN_MAILBOX = new RegExp(
  String.raw`^(?:(${PLAIN_ADDR})|(?:"([^"\\\r\n]*)"|([A-Za-z0-9 ._'-]*?))[ \t]*<(${PLAIN_ADDR})>)$`,
);

export function parseAddressList(value: string | undefined): AddressValue[] {
  if (!value) return [];
  const plain = PLAIN_MAILBOX.exec(value.trim());
  if (plain) {
    const name = decodeWords(plain[2] ?? plain[3] ?? "").trim();
    return [{ name: internString(name), address: internString(plain[1] ?? plain[4] ?? "") }];
  }
  let parsed: Address[];
  try {
    parsed = addressparser(value);
  } catch {
    return [];
  }
  const out: AddressValue[] = [];
  const add = (entry: Address): void => {
    if (entry.group !== undefined) {
      for (const member of entry.group) add(member);
      return;
    }
    if (!entry.address && !entry.name) return;
    // Senders repeat across messages: share their strings (see intern.ts).
    out.push({
      name: internString(decodeWords(entry.name ?? "").trim()),
      address: internString(entry.address ?? ""),
    });
  };
  for (const entry of parsed) add(entry);
  // Kept with every stored message: an array grown by push() keeps room for 17 entries.
  return out.length === 0 ? [] : out.slice();
}

/** A Date header -> a Date, or undefined when it does not parse. */
export function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  if (!Number.isNaN(d.getTime())) return d;
  // Some senders add a day name JavaScript does not know, or a trailing zone name: retry without.
  const trimmed = value
    .replace(/^[^,]*,\s*/, "")
    .replace(/\s*\([^)]*\)\s*$/, "")
    .trim();
  const retry = new Date(trimmed);
  return Number.isNaN(retry.getTime()) ? undefined : retry;
}

/** The message summary from the top-level header fields. */
/**
 * A string of its own. trim() and split() return slices that keep the whole header value they
 * came from alive; the summary is kept for the life of the message, so copy what it keeps.
 */
function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, "utf8").toString("utf8");
}

export function buildSummary(headers: EntityHeaders): MessageSummary {
  const summary: MessageSummary = {
    subject: headers.subject === undefined ? "" : ownString(decodeWords(headers.subject).trim()),
    from: parseAddressList(headers.from),
    to: parseAddressList(headers.to),
    cc: parseAddressList(headers.cc),
  };
  const date = parseDate(headers.date);
  if (date) summary.date = internDate(date);
  const messageId = headers.messageId?.trim().split(/\s+/)[0];
  if (messageId) summary.messageId = ownString(messageId);
  return summary;
}
