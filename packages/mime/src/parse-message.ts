import type { AddressValue } from "@sandmail/core";
import type { AddressObject } from "mailparser";
import { decodeWords } from "./decode.js";
import { findHeaderEnd, parseHeaderBlock } from "./header-block.js";
import { parseDate } from "./summary.js";

export interface ParsedAttachment {
  filename?: string;
  contentType: string;
  size: number;
  contentId?: string;
  disposition: "attachment" | "inline";
  /** MD5 of the decoded content, hex. */
  checksum?: string;
  content: Buffer;
}

/** The full decoded view of a message that the API shows. */
export interface ParsedMessage {
  /** Top-level header fields in order, names as written, values unfolded and encoded-words decoded. */
  headers: Array<{ name: string; value: string }>;
  subject: string;
  from: AddressValue[];
  to: AddressValue[];
  cc: AddressValue[];
  bcc: AddressValue[];
  replyTo: AddressValue[];
  /** The Date header; undefined when missing or unparsable (never "now"). */
  date?: Date;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  text?: string;
  html?: string;
  attachments: ParsedAttachment[];
}

function addresses(value: AddressObject | AddressObject[] | undefined): AddressValue[] {
  if (!value) return [];
  const out: AddressValue[] = [];
  const add = (entry: {
    name?: string;
    address?: string;
    group?: Array<{ name?: string; address?: string }>;
  }) => {
    if (entry.group) {
      for (const member of entry.group) add(member);
      return;
    }
    if (!entry.address && !entry.name) return;
    out.push({ name: entry.name ?? "", address: entry.address ?? "" });
  };
  for (const obj of Array.isArray(value) ? value : [value]) for (const entry of obj.value) add(entry);
  return out;
}

/**
 * Raw message -> the decoded view (headers, addresses, text, html, attachments) with mailparser.
 * Heavier than indexMessage: meant for reading one message, not for every ingest. cid: links are
 * kept as they are in the html (no data: URIs inlined).
 */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  // Loaded on first use: a process that only ingests (SMTP, IMAP) never needs it (~20 MiB).
  const { simpleParser } = await import("mailparser");
  const mail = await simpleParser(raw, {
    keepCidLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    // text is the message's own text/plain part; HTML-only mail has none. A rendering of the html
    // would make links and codes look as if the message carried them twice.
    skipHtmlToText: true,
  });
  const headerBlock = raw.subarray(0, findHeaderEnd(raw, 0, raw.length));
  const headers = parseHeaderBlock(headerBlock).map((f) => ({ name: f.name, value: decodeWords(f.value) }));
  const dateHeader = headers.find((h) => h.name.toLowerCase() === "date")?.value;
  const references =
    mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
  const parsed: ParsedMessage = {
    headers,
    subject: mail.subject ?? "",
    from: addresses(mail.from),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    bcc: addresses(mail.bcc),
    replyTo: addresses(mail.replyTo),
    references,
    attachments: mail.attachments.map((a) => {
      const att: ParsedAttachment = {
        contentType: a.contentType,
        size: a.size,
        disposition: a.contentDisposition === "inline" ? "inline" : "attachment",
        content: a.content,
      };
      if (a.filename !== undefined) att.filename = a.filename;
      if (a.contentId !== undefined) att.contentId = a.contentId;
      if (a.checksum) att.checksum = a.checksum;
      return att;
    }),
  };
  const date = parseDate(dateHeader);
  if (date) parsed.date = date;
  if (mail.messageId) parsed.messageId = mail.messageId;
  if (mail.inReplyTo) parsed.inReplyTo = mail.inReplyTo;
  if (typeof mail.text === "string" && mail.text !== "") parsed.text = mail.text;
  if (typeof mail.html === "string") parsed.html = mail.html;
  return parsed;
}
