/**
 * What a command module exports and what its handler may use. Handlers write only their own
 * untagged data; mailbox updates (EXISTS, EXPUNGE, FETCH FLAGS) are written by the dispatcher
 * at the points RFC 3501 allows, and the tagged reply is the handler's return value.
 */
import type { Config, Mailbox } from "@sandmail/core";
import type { Logger, LoginThrottle } from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import type { Command, Token, Value } from "../protocol/ast.js";
import type { Frame } from "../protocol/parser.js";
import type { Identity, Session, SessionState } from "../session/session.js";
import type { MailboxTracker } from "../session/tracker.js";

export interface CommandResult {
  status: "OK" | "NO" | "BAD";
  text: string;
  /** Response code without brackets, e.g. `READ-WRITE`, `APPENDUID 3 7`. */
  code?: string;
  /** Runs after the tagged reply was written (STARTTLS switches the socket here). */
  after?: () => Promise<void>;
}

export const ok = (text: string, code?: string): CommandResult => ({
  status: "OK",
  text,
  ...(code ? { code } : {}),
});
export const no = (text: string, code?: string): CommandResult => ({
  status: "NO",
  text,
  ...(code ? { code } : {}),
});
export const bad = (text: string, code?: string): CommandResult => ({
  status: "BAD",
  text,
  ...(code ? { code } : {}),
});

/** What one command may carry beyond APPENDLIMIT (MULTIAPPEND's several messages, command text). */
export const COMMAND_SLACK_BYTES = 1024 * 1024;

export interface ServiceDeps {
  config: Config;
  store: MailStore;
  logger: Logger;
  /** Connections per run, shared by all connections of the service. */
  runSlots: RunSlots;
  loginThrottle: LoginThrottle;
  capabilities(session: Session): string[];
}

export interface RunSlots {
  /** False when the run already has its maximum of connections. */
  acquire(runId: string): boolean;
  release(runId: string): void;
}

export interface CommandContext {
  readonly command: Command;
  readonly session: Session;
  readonly deps: ServiceDeps;
  /** The client's address, as per-client limits count it (see clientKey). */
  readonly client: string;
  /** Writes `* <values>`. */
  send(values: Value[]): void;
  /** Writes untagged responses already serialized, whole lines (a FETCH over a large view). */
  sendLines(bytes: Buffer): void;
  /** Writes a `+ text` continuation request. */
  continuation(text: string): void;
  /** Resolves when the socket can take more (long responses call it between messages). */
  drain(): Promise<void>;
  /** The next line the client sends (AUTHENTICATE data, IDLE's DONE); undefined once it is gone. */
  readFrame(): Promise<Frame | undefined>;
  /** Puts a frame back in front of the input, to be dispatched as a command next. */
  requeue(frame: Frame): void;
  /** Logs in: subscribes to the run's events and counts the connection against the run. */
  login(identity: Identity): Promise<CommandResult | undefined>;
  /**
   * Loads a mailbox's UID index into a new tracker (events arriving meanwhile are kept) and
   * claims \Recent unless read-only.
   */
  openMailbox(mailbox: Mailbox, readOnly: boolean): Promise<MailboxTracker>;
  /** IDLE: while on, mailbox updates are written as they arrive. */
  setIdle(on: boolean): Promise<void>;
  /** Upgrades the connection to TLS (STARTTLS, after its tagged OK). */
  startTls(): Promise<void>;
  /** Turns COMPRESS=DEFLATE on in both directions (after its tagged OK). */
  startCompression(): void;
}

export interface CommandSpec<A = unknown> {
  name: string;
  states: readonly SessionState[];
  /** Whether the command has a `UID <name>` form. */
  uid?: boolean;
  /** False when EXPUNGE must not be reported at its end (non-UID FETCH, STORE, SEARCH). */
  expungeAllowed?: (command: Command) => boolean;
  /** Checks and reads the arguments; throws ArgError for BAD. */
  parse(args: Token[], command: Command): A;
  handler(ctx: CommandContext, args: A): Promise<CommandResult>;
}

/** Lets a registry hold specs of different argument types. */
export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<unknown> {
  return spec as CommandSpec<unknown>;
}

export const AUTHENTICATED: readonly SessionState[] = ["authenticated", "selected"];
export const SELECTED: readonly SessionState[] = ["selected"];
export const ANY: readonly SessionState[] = ["not-authenticated", "authenticated", "selected"];
export const NOT_AUTHENTICATED: readonly SessionState[] = ["not-authenticated"];
