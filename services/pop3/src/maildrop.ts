/**
 * One POP3 session's maildrop: the inbox's INBOX as it was at login (RFC 1939 numbers messages
 * for the whole session), with the session's deletion marks. DELE sets \Deleted in the store at
 * once, so IMAP and the API see it; RSET or a session that ends without QUIT takes back what the
 * session set; QUIT expunges the marked messages from the store.
 */
import type { Mailbox } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";

export interface DropMessage {
  messageId: string;
  uid: number;
  size: number;
  deleted: boolean;
  /** \Deleted was set by this session's DELE (and is taken back by RSET). */
  flaggedHere: boolean;
}

const BATCH = 500;

export class Maildrop {
  private constructor(
    private readonly store: MailStore,
    readonly runId: string,
    readonly mailbox: Mailbox,
    readonly messages: DropMessage[],
  ) {}

  static async open(store: MailStore, runId: string, mailbox: Mailbox): Promise<Maildrop> {
    const index = (await store.mailboxIndex(runId, mailbox.id)).entries();
    const messages: DropMessage[] = [];
    for (let i = 0; i < index.length; i += BATCH) {
      const slice = index.slice(i, i + BATCH);
      const stored = await store.getMessages(
        runId,
        slice.map((e) => e.messageId),
      );
      slice.forEach((e, k) => {
        const m = stored[k];
        // Expunged between the index and this read: not part of the maildrop.
        if (m)
          messages.push({
            messageId: e.messageId,
            uid: e.uid,
            size: m.size,
            deleted: false,
            flaggedHere: false,
          });
      });
    }
    return new Maildrop(store, runId, mailbox, messages);
  }

  /** The message at a 1-based number, unless it does not exist or is marked deleted. */
  at(n: number): DropMessage | undefined {
    const m = this.messages[n - 1];
    return m && !m.deleted ? m : undefined;
  }

  /** RFC 1939's unique-id: stable across sessions while the mailbox keeps its UIDVALIDITY. */
  uidl(m: DropMessage): string {
    return `${this.mailbox.uidValidity}.${m.uid}`;
  }

  stat(): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (const m of this.messages) {
      if (m.deleted) continue;
      count++;
      bytes += m.size;
    }
    return { count, bytes };
  }

  async markDeleted(m: DropMessage): Promise<void> {
    m.deleted = true;
    const result = await this.store.updateFlags(this.runId, [m.messageId], {
      op: "add",
      flags: ["\\Deleted"],
    });
    m.flaggedHere = result.updated.length > 0;
  }

  /** RSET, and a session that ends without QUIT: the marks and the \Deleted this session set. */
  async unmarkAll(): Promise<void> {
    const ours = this.messages.filter((m) => m.flaggedHere);
    for (const m of this.messages) m.deleted = false;
    for (const m of ours) m.flaggedHere = false;
    if (ours.length === 0) return;
    await this.store.updateFlags(
      this.runId,
      ours.map((m) => m.messageId),
      { op: "remove", flags: ["\\Deleted"] },
    );
  }

  /** QUIT: removes the marked messages from the store; returns how many. */
  async commit(): Promise<number> {
    const marked = this.messages.filter((m) => m.deleted).map((m) => m.messageId);
    if (marked.length === 0) return 0;
    // A message moved elsewhere meanwhile (IMAP MOVE keeps its id) is no longer this maildrop's.
    const current = await this.store.getMessages(this.runId, marked);
    const ids = marked.filter((_, i) => current[i]?.mailboxId === this.mailbox.id);
    const removed = ids.length > 0 ? await this.store.deleteMessages(this.runId, ids) : 0;
    for (const m of this.messages) m.flaggedHere = false;
    return removed;
  }
}
