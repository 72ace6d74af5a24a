import { DefaultFolders, type Mailbox, SandmailError, type SpecialUse } from "@sandmail/core";
import type { InboxInfo } from "../contract.js";
import { hasSeen } from "../shared/flags.js";
import {
  byFolderName,
  isInbox,
  isSameOrChild,
  lookupName,
  normalizeMailboxName,
  parentNames,
} from "../shared/mailbox-names.js";
import { UidColumns } from "../shared/uid-columns.js";
import { emit, emitMoved } from "./events.js";
import { ExpungeLog } from "./expunge-log.js";
import { unindexRecipients } from "./recipients.js";
import { removeSorted } from "./sorted.js";
import {
  bySeqKey,
  type InboxRecord,
  type MailboxRecord,
  type MessageRecord,
  type RunState,
  type StoreContext,
} from "./state.js";
import { mailboxView } from "./views.js";

/** A run's inboxes (one per address) and their folders. */

export function listInboxes(state: RunState): InboxInfo[] {
  const out: InboxInfo[] = [];
  for (const inbox of state.inboxes.values()) {
    let messages = 0;
    let unseen = 0;
    for (const mb of inbox.byName.values()) {
      messages += mb.index.length;
      unseen += mb.unseen;
    }
    out.push({ address: inbox.address, messages, unseen });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

export function listMailboxes(ctx: StoreContext, state: RunState, address: string): Mailbox[] {
  const inbox = knownInbox(ctx, state, address);
  if (!inbox) return [];
  return [...inbox.byName.values()].map((mb) => mailboxView(mb, inbox)).sort(byFolderName);
}

export function findMailbox(
  ctx: StoreContext,
  state: RunState,
  address: string,
  name: string,
): Mailbox | undefined {
  const inbox = knownInbox(ctx, state, address);
  const mb = inbox?.byName.get(lookupName(name));
  return inbox && mb ? mailboxView(mb, inbox) : undefined;
}

export function findMailboxById(state: RunState, mailboxId: string): Mailbox | undefined {
  const mb = state.mailboxes.get(mailboxId);
  const inbox = mb && state.inboxes.get(mb.address);
  return mb && inbox ? mailboxView(mb, inbox) : undefined;
}

/** The mailbox record, or the caller's error. */
export function mailboxRecord(state: RunState, mailboxId: string): MailboxRecord {
  const mb = state.mailboxes.get(mailboxId);
  if (!mb) throw new SandmailError("mailbox_not_found", `no mailbox ${String(mailboxId)}`);
  return mb;
}

/** The address's inbox with every default folder (made now if they were not yet). */
export function ensureInbox(ctx: StoreContext, state: RunState, address: string): InboxRecord {
  return makeDefaults(ctx, state, state.inboxes.get(address) ?? newInbox(state, address));
}

/** An address that exists, its default folders made; undefined for one never met (nothing made). */
function knownInbox(ctx: StoreContext, state: RunState, address: string): InboxRecord | undefined {
  const inbox = state.inboxes.get(address);
  return inbox && makeDefaults(ctx, state, inbox);
}

/**
 * The mailbox a delivery or an APPEND stores into, and only what it needs of the address: a new
 * address gets its INBOX, and a default folder not made yet is made alone (the rest wait for the
 * first listing or lookup). Undefined when the folder does not exist, and nothing is made then;
 * with `make` false nothing is made either way, and a folder that would be made answers `true`.
 */
export function targetMailbox(
  ctx: StoreContext,
  state: RunState,
  address: string,
  folder: string,
  make: boolean,
): MailboxRecord | true | undefined {
  const inbox = state.inboxes.get(address);
  const mb = inbox?.byName.get(folder);
  if (mb) return mb;
  const folderDefault = inbox?.defaultsMade ? undefined : DefaultFolders.find((f) => f.name === folder);
  if (!folderDefault) return undefined;
  if (!make) return true;
  const target = inbox ?? newInbox(state, address);
  if (!target.byName.has("INBOX")) newDefault(ctx, state, target, DefaultFolders[0] as DefaultFolder);
  return target.byName.get(folder) ?? newDefault(ctx, state, target, folderDefault);
}

type DefaultFolder = (typeof DefaultFolders)[number];

function newInbox(state: RunState, address: string): InboxRecord {
  const inbox: InboxRecord = {
    address,
    byName: new Map(),
    subscribed: new Set(),
    bySeq: [],
    defaultsMade: false,
  };
  state.inboxes.set(address, inbox);
  return inbox;
}

function makeDefaults(ctx: StoreContext, state: RunState, inbox: InboxRecord): InboxRecord {
  if (inbox.defaultsMade) return inbox;
  inbox.defaultsMade = true;
  for (const folder of DefaultFolders) {
    if (!inbox.byName.has(folder.name)) newDefault(ctx, state, inbox, folder);
  }
  return inbox;
}

function newDefault(
  ctx: StoreContext,
  state: RunState,
  inbox: InboxRecord,
  folder: DefaultFolder,
): MailboxRecord {
  const mb = newMailbox(ctx, state, inbox, folder.name, folder.specialUse);
  inbox.subscribed.add(folder.name);
  return mb;
}

export function createMailbox(ctx: StoreContext, state: RunState, address: string, name: string): Mailbox {
  const folder = normalizeMailboxName(name);
  const inbox = ensureInbox(ctx, state, address);
  if (inbox.byName.has(folder)) throw new SandmailError("mailbox_exists", `mailbox ${folder} exists`);
  createParents(ctx, state, inbox, folder);
  return mailboxView(newMailbox(ctx, state, inbox, folder), inbox);
}

export function deleteMailbox(ctx: StoreContext, state: RunState, address: string, name: string): void {
  const folder = normalizeMailboxName(name);
  if (isInbox(folder)) throw new SandmailError("mailbox_protected", "INBOX cannot be deleted");
  const inbox = knownInbox(ctx, state, address);
  const mb = inbox?.byName.get(folder);
  if (!inbox || !mb) throw new SandmailError("mailbox_not_found", `no mailbox ${folder}`);
  const recs = recordsOf(state, mb);
  for (const m of recs) {
    state.messages.delete(m.id);
    state.bytes -= m.raw.length;
  }
  removeSorted(state.bySeq, recs, bySeqKey);
  removeSorted(inbox.bySeq, recs, bySeqKey);
  unindexRecipients(state, recs);
  state.columns.remove(recs);
  mb.index = new UidColumns();
  inbox.byName.delete(folder);
  state.mailboxes.delete(mb.id);
  emit(state, {
    type: "mailbox.deleted",
    runId: state.run.id,
    seq: ++state.seq,
    mailboxId: mb.id,
    address: mb.address,
    name: folder,
  });
}

export function renameMailbox(
  ctx: StoreContext,
  state: RunState,
  address: string,
  from: string,
  to: string,
): Mailbox {
  const src = normalizeMailboxName(from);
  const dst = normalizeMailboxName(to);
  const inbox = knownInbox(ctx, state, address);
  const mb = inbox?.byName.get(src);
  if (!inbox || !mb) throw new SandmailError("mailbox_not_found", `no mailbox ${src}`);
  if (isInbox(dst) || inbox.byName.has(dst))
    throw new SandmailError("mailbox_exists", `mailbox ${dst} exists`);
  if (isInbox(src)) return mailboxView(renameInbox(ctx, state, inbox, mb, dst), inbox);
  if (isSameOrChild(dst, src)) {
    throw new SandmailError("invalid_request", "a mailbox cannot be renamed into itself");
  }
  const moving = [...inbox.byName.values()].filter((m) => isSameOrChild(m.name, src));
  const renamed = moving.map((m) => ({ mb: m, oldName: m.name, newName: dst + m.name.slice(src.length) }));
  for (const r of renamed) {
    if (inbox.byName.has(r.newName)) throw new SandmailError("mailbox_exists", `mailbox ${r.newName} exists`);
  }
  for (const r of renamed) inbox.byName.delete(r.oldName);
  for (const r of renamed) {
    r.mb.name = r.newName;
    inbox.byName.set(r.newName, r.mb);
    if (inbox.subscribed.delete(r.oldName)) inbox.subscribed.add(r.newName);
    emit(state, {
      type: "mailbox.renamed",
      runId: state.run.id,
      seq: ++state.seq,
      mailboxId: r.mb.id,
      address: r.mb.address,
      name: r.newName,
      oldName: r.oldName,
    });
  }
  createParents(ctx, state, inbox, dst);
  return mailboxView(mb, inbox);
}

export function setSubscribed(
  ctx: StoreContext,
  state: RunState,
  address: string,
  name: string,
  subscribed: boolean,
): void {
  const folder = normalizeMailboxName(name);
  const inbox = ensureInbox(ctx, state, address);
  if (subscribed) inbox.subscribed.add(folder);
  else inbox.subscribed.delete(folder);
}

export function claimRecent(mb: MailboxRecord, upToUid?: number): number {
  const before = mb.recentClaimed;
  const limit = upToUid === undefined ? Number.POSITIVE_INFINITY : Number(upToUid) || 0;
  mb.recentClaimed = Math.max(before, Math.min(mb.uidNext - 1, limit));
  return before;
}

function createParents(ctx: StoreContext, state: RunState, inbox: InboxRecord, name: string): void {
  for (const parent of parentNames(name)) {
    if (!inbox.byName.has(parent)) newMailbox(ctx, state, inbox, parent);
  }
}

function newMailbox(
  ctx: StoreContext,
  state: RunState,
  inbox: InboxRecord,
  name: string,
  specialUse?: SpecialUse,
): MailboxRecord {
  const seq = ++state.seq;
  const mb: MailboxRecord = {
    id: `mb${(++state.mailboxCounter).toString(36)}`,
    address: inbox.address,
    name,
    specialUse,
    uidValidity: ctx.nextUidValidity(),
    uidNext: 1,
    highestModSeq: seq,
    unseen: 0,
    recentClaimed: 0,
    index: new UidColumns(),
    expunged: new ExpungeLog(ctx.expungedKept),
  };
  inbox.byName.set(name, mb);
  state.mailboxes.set(mb.id, mb);
  emit(state, {
    type: "mailbox.created",
    runId: state.run.id,
    seq,
    mailboxId: mb.id,
    address: mb.address,
    name,
  });
  return mb;
}

/** RFC 3501 §6.3.5: INBOX's messages move to the new folder and INBOX stays, empty. */
function renameInbox(
  ctx: StoreContext,
  state: RunState,
  inbox: InboxRecord,
  src: MailboxRecord,
  dst: string,
): MailboxRecord {
  createParents(ctx, state, inbox, dst);
  const dest = newMailbox(ctx, state, inbox, dst);
  dest.uidNext = src.uidNext;
  const moving = recordsOf(state, src);
  src.index = new UidColumns();
  src.unseen = 0;
  for (const rec of moving) {
    rec.mailbox = dest;
    rec.modSeq = src.highestModSeq = dest.highestModSeq = ++state.seq;
    dest.index.push(rec.uid, rec.id, rec.flags, rec.modSeq);
    src.expunged.record(rec.uid, rec.modSeq);
    if (!hasSeen(rec.flags)) dest.unseen++;
    emitMoved(state, rec, src, rec.uid);
  }
  src.expunged.trim();
  return dest;
}

/** A mailbox's message records, by UID ascending. */
function recordsOf(state: RunState, mb: MailboxRecord): MessageRecord[] {
  return mb.index.ids.slice(0, mb.index.length).map((id) => state.messages.get(id) as MessageRecord);
}
