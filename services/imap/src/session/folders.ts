/**
 * Which folders a session sees, and under which names. An inbox login sees that address's
 * folders as they are stored. The run-wide login (user = run id) sees every inbox of the run as
 * its own hierarchy, `<address>/<folder>` (`alice@r1.sandmail.test/INBOX`), so one mail-client
 * account shows all of a test's mail; the address level itself is not a mailbox (\Noselect).
 */
import type { Mailbox } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import { DELIMITER, normalizeInbox } from "../protocol/mailbox-name.js";
import type { Identity } from "./session.js";

/** Where a client-visible name is stored: an inbox address and that inbox's folder name. */
export interface Place {
  address: string;
  name: string;
}

/** A name the session lists: a stored mailbox, or (run view) an inbox's address level. */
export interface VisibleFolder {
  name: string;
  mailbox?: Mailbox;
}

export interface Folders {
  /** The store place of a client-visible name; undefined when no inbox can hold it. */
  locate(name: string): Place | undefined;
  /** The client-visible name of a stored mailbox. */
  visible(mailbox: Mailbox): string;
  /** Every folder the session sees. */
  list(store: MailStore, runId: string): Promise<VisibleFolder[]>;
  /** True for the run-wide view, where the top level holds addresses only. */
  readonly runWide: boolean;
}

export function foldersOf(identity: Identity): Folders {
  return identity.address === undefined ? runFolders : inboxFolders(identity.address);
}

function inboxFolders(address: string): Folders {
  return {
    runWide: false,
    locate: (name) => ({ address, name }),
    visible: (mailbox) => mailbox.name,
    async list(store, runId) {
      return (await store.listMailboxes(runId, address)).map((mailbox) => ({ name: mailbox.name, mailbox }));
    },
  };
}

const runFolders: Folders = {
  runWide: true,
  locate(name) {
    const slash = name.indexOf(DELIMITER);
    if (slash <= 0 || slash === name.length - 1) return undefined;
    const address = name.slice(0, slash).toLowerCase();
    if (!address.includes("@")) return undefined;
    return { address, name: normalizeInbox(name.slice(slash + 1)) };
  },
  visible: (mailbox) => `${mailbox.address}${DELIMITER}${mailbox.name}`,
  async list(store, runId) {
    const inboxes = await store.listInboxes(runId);
    const out: VisibleFolder[] = [];
    for (const { address } of inboxes) {
      out.push({ name: address });
      for (const mailbox of await store.listMailboxes(runId, address)) {
        out.push({ name: `${address}${DELIMITER}${mailbox.name}`, mailbox });
      }
    }
    return out;
  },
};

/** The stored mailbox a client-visible name stands for. */
export async function findMailbox(
  store: MailStore,
  identity: Identity,
  name: string,
): Promise<{ place: Place; mailbox: Mailbox } | undefined> {
  const place = foldersOf(identity).locate(name);
  if (!place) return undefined;
  const mailbox = await store.getMailbox(identity.runId, place.address, place.name);
  return mailbox ? { place, mailbox } : undefined;
}
