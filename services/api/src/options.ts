import type { Config } from "@sandmail/core";
import type { Logger } from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";

/** Where clients reach the mail front ends; the API hands these out with every new run. */
export interface Endpoints {
  /** Host name clients should connect to. */
  host: string;
  smtpPort: number;
  smtpsPort: number;
  /** IMAP settings are only handed out when at least one IMAP port is given. */
  imapPort?: number;
  imapsPort?: number;
}

export interface BuildAppOptions {
  config: Config;
  store: MailStore;
  /** A pino logger; absent or false logs nothing. */
  logger?: Logger | false;
  endpoints: Endpoints;
}
