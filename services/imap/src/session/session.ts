/**
 * One connection's IMAP state (RFC 3501 §3): who logged in, which mailbox is selected and
 * how this connection sees it. Pure state; the connection does the I/O.
 */
import type { LoginIdentity, Mailbox } from "@sandmail/core";
import type { LiveResults } from "./live-results.js";
import type { MailboxTracker } from "./tracker.js";

export type SessionState = "not-authenticated" | "authenticated" | "selected" | "logout";

/** Who logged in; see @sandmail/core's login.ts. */
export type Identity = LoginIdentity;

export interface Selection {
  mailbox: Mailbox;
  tracker: MailboxTracker;
  readOnly: boolean;
  /** Keywords announced in FLAGS so far; one used first elsewhere is announced before it shows. */
  keywords: Set<string>;
  /** SEARCHRES `$`: UIDs saved by the last SEARCH RETURN (SAVE), ascending; empty after SELECT. */
  searchResult?: number[];
  /** RFC 5267 UPDATE contexts, kept current at each update point; gone with the selection. */
  live?: LiveResults;
}

export class Session {
  state: SessionState = "not-authenticated";
  identity: Identity | undefined;
  selection: Selection | undefined;
  /** Extensions turned on with ENABLE. */
  readonly enabled = new Set<string>();
  tls: boolean;
  /** COMPRESS=DEFLATE is on (RFC 4978): a second COMPRESS is refused. */
  compressed = false;

  constructor(tls: boolean) {
    this.tls = tls;
  }

  /** The logged-in identity; commands only run where the dispatcher checked the state. */
  get user(): Identity {
    if (!this.identity) throw new Error("no identity in an authenticated state");
    return this.identity;
  }

  get selected(): Selection {
    if (!this.selection) throw new Error("no mailbox selected");
    return this.selection;
  }

  authenticate(identity: Identity): void {
    this.identity = identity;
    this.state = "authenticated";
  }

  select(selection: Selection): void {
    this.selection = selection;
    this.state = "selected";
  }

  deselect(): void {
    this.selection = undefined;
    if (this.state === "selected") this.state = "authenticated";
  }
}
