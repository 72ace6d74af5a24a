import type { StoredMessage } from "@sandmail/core";
import type { MailStore, MessageQuery } from "@sandmail/store";

export interface ListMessagesInput {
  inbox?: string | undefined;
  mailbox?: string | undefined;
  limit: number;
  /** Only messages with a smaller seq (the previous page's nextCursor). */
  cursor?: number | undefined;
  /** Only messages with a larger seq (a wait cursor). */
  after?: number | undefined;
  /** Further criteria (those of the wait route), checked on each candidate. */
  filter?: ((m: StoredMessage) => boolean | Promise<boolean>) | undefined;
  /** A recipient index that holds every message the filter passes (MessageQuery.recipient). */
  recipient?: string | undefined;
}

export interface MessagePage {
  messages: StoredMessage[];
  nextCursor?: number;
}

// Scan size when a folder name must be matched across inboxes (the store cannot filter that).
const SCAN_BATCH = 200;

/** One page of a run's messages, newest first, paged by seq. */
export async function listMessagePage(
  store: MailStore,
  runId: string,
  input: ListMessagesInput,
): Promise<MessagePage> {
  const base: MessageQuery = { order: "desc" };
  let keep: ((m: StoredMessage) => boolean) | undefined;
  if (input.inbox !== undefined) base.address = input.inbox;
  if (input.after !== undefined) base.afterSeq = input.after;
  if (input.recipient !== undefined) base.recipient = input.recipient;
  if (input.mailbox !== undefined) {
    if (input.inbox !== undefined) {
      const mailbox = await store.getMailbox(runId, input.inbox, input.mailbox);
      if (!mailbox) return { messages: [] };
      base.mailboxId = mailbox.id;
    } else {
      const inbox = input.mailbox.toUpperCase() === "INBOX";
      const name = input.mailbox;
      keep = inbox ? (m) => m.mailbox.toUpperCase() === "INBOX" : (m) => m.mailbox === name;
    }
  }

  // One more than the page holds tells whether another page follows.
  const want = input.limit + 1;
  const found: StoredMessage[] = [];
  let before = input.cursor;
  while (found.length < want) {
    const batchSize = keep || input.filter ? Math.max(SCAN_BATCH, want) : want - found.length;
    const batch = await store.listMessages(runId, {
      ...base,
      ...(before !== undefined ? { beforeSeq: before } : {}),
      limit: batchSize,
    });
    for (const m of batch) {
      if ((!keep || keep(m)) && (!input.filter || (await input.filter(m)))) found.push(m);
      if (found.length >= want) break;
    }
    const last = batch.at(-1);
    if (batch.length < batchSize || !last) break;
    before = last.seq;
  }

  const messages = found.slice(0, input.limit);
  const last = messages.at(-1);
  return found.length > input.limit && last ? { messages, nextCursor: last.seq } : { messages };
}
