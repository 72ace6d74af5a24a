import type { MimeNode } from "@sandmail/core";
import type { Value } from "../protocol/ast.js";
import { type ImapAddress, parseAddressList } from "./address.js";
import { fieldValue, type HeaderField, parseHeaderFields } from "./headers.js";

function nstring(raw: Buffer, field: HeaderField | undefined): string | null {
  return field ? fieldValue(raw, field) : null;
}

function addressValue(list: ImapAddress[]): Value {
  if (list.length === 0) return null;
  return list.map((a) => [a.name, a.adl, a.mailbox, a.host]);
}

/**
 * ENVELOPE (RFC 3501 §7.4.2) of the message whose root is `root`, from its raw header: date,
 * subject, in-reply-to and message-id as written (encoded-words and all, folding removed), address
 * lists parsed. As in Dovecot, a repeated field's last occurrence wins, and repeated address
 * fields are joined into one list. Sender and Reply-To default to From when absent or empty.
 * Works for an encapsulated message/rfc822 root too.
 */
export function envelope(raw: Buffer, root: MimeNode): Value {
  const fields = parseHeaderFields(raw, root.headerStart, root.headerEnd);
  const last = new Map<string, HeaderField>();
  for (const f of fields) last.set(f.key, f);
  const addresses = (key: string): ImapAddress[] => {
    const out: ImapAddress[] = [];
    for (const f of fields) if (f.key === key) out.push(...parseAddressList(fieldValue(raw, f)));
    return out;
  };
  const from = addresses("from");
  const sender = addresses("sender");
  const replyTo = addresses("reply-to");
  return [
    nstring(raw, last.get("date")),
    nstring(raw, last.get("subject")),
    addressValue(from),
    addressValue(sender.length > 0 ? sender : from),
    addressValue(replyTo.length > 0 ? replyTo : from),
    addressValue(addresses("to")),
    addressValue(addresses("cc")),
    addressValue(addresses("bcc")),
    nstring(raw, last.get("in-reply-to")),
    nstring(raw, last.get("message-id")),
  ];
}
