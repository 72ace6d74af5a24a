import type { Config } from "@sandmail/core";
import type { SandmailMetrics } from "@sandmail/metrics";
import type { Logger, LoginThrottle } from "@sandmail/runtime";
import type { CatchAllRun, MailStore } from "@sandmail/store";
import type { WorkerPool } from "@sandmail/work";
import type { UiOptions } from "./ui/ui-routes.js";

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
  /**
   * The registry GET /metrics serves and the API counts into. The all-in-one process passes the one
   * its SMTP and IMAP services count into too; absent, the app makes its own (API metrics only).
   */
  metrics?: SandmailMetrics;
  /** Slows down wrong tokens per client address; shared with the process's other front ends. */
  loginThrottle?: LoginThrottle;
  /** The catch-all run this process's SMTP front end delivers into: /readyz is 503 while it cannot exist. */
  catchAll?: Pick<CatchAllRun, "ensure">;
  /**
   * Worker threads for CPU-heavy checks on untrusted input (the HTML check); the all-in-one
   * process shares one pool among its front ends. Absent, the app makes its own and closes it.
   */
  work?: WorkerPool;
  /** Serve the web UI at /ui/ from this directory; absent, /ui/ answers that the UI is not built. */
  ui?: UiOptions;
}
