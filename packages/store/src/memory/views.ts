import type { Mailbox, StoredMessage } from "@sandmail/core";
import { type InboxRecord, type MailboxRecord, type MessageRecord, mimeOf } from "./state.js";

export function mailboxView(mb: MailboxRecord, inbox: InboxRecord): Mailbox {
  const view: Mailbox = {
    id: mb.id,
    address: mb.address,
    name: mb.name,
    subscribed: inbox.subscribed.has(mb.name),
    uidValidity: mb.uidValidity,
    uidNext: mb.uidNext,
    highestModSeq: mb.highestModSeq,
    messages: mb.index.length,
    unseen: mb.unseen,
  };
  if (mb.specialUse) view.specialUse = mb.specialUse;
  return view;
}

export function messageView(m: MessageRecord, runId: string): StoredMessage {
  const view: StoredMessage = {
    id: m.id,
    runId,
    seq: m.seq,
    mailboxId: m.mailbox.id,
    address: m.mailbox.address,
    mailbox: m.mailbox.name,
    uid: m.uid,
    flags: [...m.flags],
    modSeq: m.modSeq,
    internalDate: new Date(m.internalDate),
    size: m.raw.length,
    summary: m.meta.summary,
    // Built on first read (see mimeOf): a view that is only listed or matched never builds it.
    get mime() {
      return mimeOf(m);
    },
  };
  if (m.envelope) view.envelope = m.envelope;
  if (m.meta.auth) view.auth = m.meta.auth;
  return view;
}
