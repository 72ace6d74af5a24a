import type { MimeNode } from "@sandmail/core";
import { fieldValue, type LocatedField, locateFields } from "@sandmail/mime";
import { type Atom, atom, type Value } from "../protocol/ast.js";
import { ChunkList, writeValue } from "../protocol/writer.js";
import { type ImapAddress, parseAddressList } from "./address.js";

/**
 * ENVELOPE is a pure function of the stored bytes, and clients fetch it for every message each
 * time they open a folder: it is built once per MIME tree object and kept as long as that tree
 * (a WeakMap, so a store that drops or re-reads a message drops its entry; the bytes a tree
 * indexes never change, since stored messages are immutable).
 */
const cache = new WeakMap<MimeNode, Value>();
const wireCache = new WeakMap<MimeNode, Atom>();

function nstring(raw: Buffer, field: LocatedField | undefined): string | null {
  return field ? fieldValue(raw, field) : null;
}

function addressValue(list: ImapAddress[]): Value {
  if (list.length === 0) return null;
  return list.map((a) => [a.name, a.adl, a.mailbox, a.host]);
}

const ADDRESS_KEYS = ["from", "sender", "reply-to", "to", "cc", "bcc"];

function build(raw: Buffer, root: MimeNode): Value {
  let date: LocatedField | undefined;
  let subject: LocatedField | undefined;
  let inReplyTo: LocatedField | undefined;
  let messageId: LocatedField | undefined;
  // A Map, not an object literal: a field named "constructor" must not reach Object.prototype.
  const lists = new Map<string, LocatedField[]>(ADDRESS_KEYS.map((k) => [k, []]));
  for (const f of locateFields(raw, root.headerStart, root.headerEnd)) {
    switch (f.key) {
      case "date":
        date = f;
        break;
      case "subject":
        subject = f;
        break;
      case "in-reply-to":
        inReplyTo = f;
        break;
      case "message-id":
        messageId = f;
        break;
      default:
        lists.get(f.key)?.push(f);
    }
  }
  const addresses = (key: string): ImapAddress[] => {
    const fields = lists.get(key)!;
    if (fields.length === 1) return parseAddressList(fieldValue(raw, fields[0]!));
    const out: ImapAddress[] = [];
    for (const f of fields) out.push(...parseAddressList(fieldValue(raw, f)));
    return out;
  };
  const from = addresses("from");
  const sender = addresses("sender");
  const replyTo = addresses("reply-to");
  return [
    nstring(raw, date),
    nstring(raw, subject),
    addressValue(from),
    addressValue(sender.length > 0 ? sender : from),
    addressValue(replyTo.length > 0 ? replyTo : from),
    addressValue(addresses("to")),
    addressValue(addresses("cc")),
    addressValue(addresses("bcc")),
    nstring(raw, inReplyTo),
    nstring(raw, messageId),
  ];
}

/**
 * ENVELOPE (RFC 3501 §7.4.2) of the message whose root is `root`, from its raw header: date,
 * subject, in-reply-to and message-id as written (encoded-words and all, folding removed), address
 * lists parsed. As in Dovecot, a repeated field's last occurrence wins, and repeated address
 * fields are joined into one list. Sender and Reply-To default to From when absent or empty.
 * Works for an encapsulated message/rfc822 root too. The result is shared: do not modify it.
 */
export function envelope(raw: Buffer, root: MimeNode): Value {
  let value = cache.get(root);
  if (value === undefined) {
    value = build(raw, root);
    cache.set(root, value);
  }
  return value;
}

/** Whether `envelopeWire` answers for this tree without reading the bytes. */
export function envelopeWireCached(root: MimeNode): boolean {
  return wireCache.has(root);
}

/**
 * The same ENVELOPE already serialized, as an Atom (which the writer sends verbatim): FETCH sends
 * it for every message, and serializing ten nested lists of strings each time costs more than the
 * rest of the FETCH line. Literals (8-bit text) are kept byte for byte: the text is latin1, as the
 * writer's own output is.
 */
export function envelopeWire(raw: Buffer, root: MimeNode): Atom {
  let wire = wireCache.get(root);
  if (wire === undefined) {
    const out = new ChunkList();
    writeValue(out, cache.get(root) ?? build(raw, root));
    wire = atom(Buffer.concat(out.finish()).toString("latin1"));
    wireCache.set(root, wire);
  }
  return wire;
}
