/**
 * One POP3 session (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595), AUTH PLAIN (RFC 5034) and
 * response codes (RESP-CODES, AUTH-RESP-CODE). Lines are handled one at a time, in order, so
 * pipelined commands (PIPELINING) answer in order. A broken command gets -ERR and the session
 * goes on; only a run of errors before login ends it (another protocol talking to this port).
 */
import type { Socket } from "node:net";
import type { SecureContext } from "node:tls";
import { decodeSaslPlain, isSandmailError, verifyLogin } from "@sandmail/core";
import {
  bindSocket,
  clientKey,
  drained,
  endSocket,
  keepWords,
  type Logger,
  type LoginThrottle,
  REDACTED,
  type SessionRecorder,
  type Transcript,
  upgradeToTls,
} from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import { type LineEvent, LineReader } from "./line-reader.js";
import type { MaildropLocks } from "./locks.js";
import { Maildrop } from "./maildrop.js";
import { dotStuffed, topOf } from "./message-text.js";

export interface Pop3Deps {
  store: MailStore;
  domain: string;
  logger: Logger;
  locks: MaildropLocks;
  loginThrottle: LoginThrottle;
  secureContext: SecureContext;
  maxLineBytes: number;
  /** No command for this long ends the session without UPDATE (RFC 1939 §3: at least 10 min). */
  idleTimeoutMs: number;
  /** From connect to a successful login, at most (SANDMAIL_LOGIN_TIMEOUT_MS). */
  loginTimeoutMs: number;
  /** Records the session's transcript when given (transcripts on). */
  recorder?: SessionRecorder;
}

type State = "authorization" | "transaction" | "closed";

/** Unanswerable commands in a row before login that end the session. */
const MAX_ERRORS_BEFORE_LOGIN = 10;
/** Pipelined lines beyond this many waiting pause reading. */
const MAX_QUEUED = 64;

const LOGIN_HINT = "Invalid credentials (user: inbox address, password: run token)";

export class Pop3Connection {
  private socket: Socket;
  private reader: LineReader;
  private state: State = "authorization";
  private queue: LineEvent[] = [];
  private running = false;
  private user: string | undefined;
  private maildrop: Maildrop | undefined;
  private release: (() => void) | undefined;
  private errors = 0;
  private readonly transcript: Transcript | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Log in by then, however busy the client keeps the connection (a trickle resets the idle timer). */
  private readonly loginDeadline: NodeJS.Timeout;
  private unbind: () => void = () => {};

  constructor(
    socket: Socket,
    private tls: boolean,
    private readonly deps: Pop3Deps,
  ) {
    this.socket = socket;
    this.reader = new LineReader(deps.maxLineBytes);
    this.timer = setTimeout(() => void this.close(false), deps.idleTimeoutMs);
    this.timer.unref();
    this.loginDeadline = setTimeout(() => {
      this.send("-ERR [SYS/TEMP] Login timeout, closing connection");
      void this.close(false);
    }, deps.loginTimeoutMs);
    this.loginDeadline.unref();
    this.transcript = deps.recorder?.open("pop3", socket.remoteAddress, tls);
    this.attach(socket);
  }

  start(): void {
    this.send("+OK sandmail POP3 ready");
  }

  /** Service shutdown: ends the session without UPDATE, as a dropped connection would. */
  shutdown(): void {
    if (this.state === "closed") return;
    this.send("-ERR [SYS/TEMP] Server shutting down");
    void this.close(false);
  }

  private attach(socket: Socket): void {
    this.unbind = bindSocket(socket, {
      data: (chunk) => this.receive(chunk),
      gone: () => void this.close(false),
    });
  }

  private receive(chunk: Buffer): void {
    if (this.state === "closed") return;
    this.timer.refresh();
    if (!this.tls && this.state === "authorization" && this.errors === 0 && chunk[0] === 0x16) {
      this.send("-ERR This port speaks plain POP3 with STLS; use the POP3S port for implicit TLS");
      void this.close(false);
      return;
    }
    this.queue.push(...this.reader.push(chunk));
    if (this.queue.length > MAX_QUEUED) this.socket.pause();
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let event = this.queue.shift(); event; event = this.queue.shift()) {
        if (this.state === "closed") return;
        if (event.type === "too-long") {
          this.transcript?.client("[line too long]");
          this.fail("-ERR Line too long");
        } else {
          this.transcript?.client(shownCommand(event.text));
          await this.handle(event.text);
        }
        if (this.queue.length === 0 && this.socket.isPaused()) this.socket.resume();
      }
    } catch (err) {
      this.deps.logger.error({ err }, "pop3 session failed");
      this.send("-ERR [SYS/TEMP] Internal server error");
      await this.close(false);
    } finally {
      this.running = false;
    }
  }

  private fail(text: string): void {
    this.send(text);
    if (this.state === "authorization" && ++this.errors >= MAX_ERRORS_BEFORE_LOGIN) {
      this.send("-ERR Too many errors, closing");
      void this.close(false);
    }
  }

  private async handle(line: string): Promise<void> {
    const space = line.indexOf(" ");
    const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? "" : line.slice(space + 1);
    const args = rest === "" ? [] : rest.split(" ");
    if (keyword === "CAPA") return this.capa();
    if (keyword === "QUIT") return this.quit();
    if (keyword === "NOOP" && this.state === "transaction") return this.send("+OK");
    if (this.state === "authorization") {
      switch (keyword) {
        case "USER":
          if (args.length !== 1 || !args[0]) return this.fail("-ERR Usage: USER <inbox address>");
          this.user = args[0];
          return this.send("+OK Send the run token with PASS");
        case "PASS":
          // The token is the rest of the line: RFC 1939 lets a password contain spaces.
          if (this.user === undefined) return this.fail("-ERR USER first");
          return this.logIn(this.user, rest);
        case "AUTH":
          return this.auth(args);
        case "STLS":
          return this.stls();
        case "APOP":
          return this.fail("-ERR APOP is not supported; use USER/PASS or AUTH PLAIN");
      }
      if (TRANSACTION_COMMANDS.has(keyword)) return this.fail("-ERR Log in first");
      return this.fail(`-ERR Unknown command ${printable(keyword)}`);
    }
    const drop = this.maildrop!;
    switch (keyword) {
      case "STAT": {
        const { count, bytes } = drop.stat();
        return this.send(`+OK ${count} ${bytes}`);
      }
      case "LIST":
      case "UIDL":
        return this.listing(keyword, args, drop);
      case "RETR": {
        const m = this.message(args, 1, drop);
        if (!m) return;
        const raw = await this.deps.store.getRaw(drop.runId, m.messageId);
        if (!raw) return this.send("-ERR Message no longer exists");
        await this.sendBody(`+OK ${m.size} octets`, dotStuffed(raw));
        // Read, as Dovecot's POP3 marks it by default: the API and IMAP show it as seen.
        await this.deps.store
          .updateFlags(drop.runId, [m.messageId], { op: "add", flags: ["\\Seen"] })
          .catch((err: unknown) => this.deps.logger.warn({ err }, "pop3: could not set \\Seen"));
        return;
      }
      case "TOP": {
        const m = this.message(args, 2, drop);
        if (!m) return;
        const lines = number(args[1]);
        if (lines === undefined) return this.fail("-ERR Usage: TOP <message> <lines>");
        const raw = await this.deps.store.getRaw(drop.runId, m.messageId);
        if (!raw) return this.send("-ERR Message no longer exists");
        return this.sendBody("+OK Top of message follows", dotStuffed(topOf(raw, lines)));
      }
      case "DELE": {
        const m = this.message(args, 1, drop);
        if (!m) return;
        await drop.markDeleted(m);
        return this.send(`+OK Message ${args[0]} deleted`);
      }
      case "RSET":
        if (args.length) return this.fail("-ERR RSET takes no argument");
        await drop.unmarkAll();
        return this.send(`+OK ${drop.stat().count} messages`);
      case "USER":
      case "PASS":
      case "AUTH":
      case "STLS":
      case "APOP":
        return this.fail("-ERR Already logged in");
    }
    return this.fail(`-ERR Unknown command ${printable(keyword)}`);
  }

  private capa(): Promise<void> {
    const lines = ["+OK Capability list follows", "TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES"];
    lines.push("AUTH-RESP-CODE", "PIPELINING");
    if (!this.tls && this.state === "authorization") lines.push("STLS");
    lines.push("IMPLEMENTATION sandmail", ".");
    this.send(lines.join("\r\n"));
    return Promise.resolve();
  }

  private async quit(): Promise<void> {
    const drop = this.maildrop;
    if (this.state === "transaction" && drop) {
      // UPDATE state (RFC 1939 §6): the marked messages leave the store.
      try {
        const removed = await drop.commit();
        this.send(`+OK sandmail POP3 signing off (${removed} messages deleted)`);
      } catch (err) {
        this.deps.logger.warn({ err }, "pop3: could not remove deleted messages");
        this.send("-ERR [SYS/TEMP] Some deleted messages were not removed");
      }
    } else {
      this.send("+OK sandmail POP3 signing off");
    }
    await this.close(true);
  }

  private async auth(args: string[]): Promise<void> {
    if (args.length === 0) return this.send("+OK Mechanisms follow\r\nPLAIN\r\n.");
    if (args[0]!.toUpperCase() !== "PLAIN") return this.fail("-ERR Unsupported mechanism (PLAIN only)");
    if (args.length > 2) return this.fail("-ERR Usage: AUTH PLAIN [initial-response]");
    let response = args[1];
    if (response === undefined) {
      this.send("+ ");
      response = await this.nextLine();
      if (response === undefined) return;
    }
    if (response === "*") return this.fail("-ERR AUTH cancelled");
    const plain = decodeSaslPlain(response);
    if (!plain.ok) {
      const why =
        plain.reason === "authzid"
          ? "Authorization identity must match the user"
          : "Malformed PLAIN response";
      return this.fail(`-ERR [AUTH] ${why}`);
    }
    return this.logIn(plain.user, plain.password);
  }

  /** The next line of input (an AUTH continuation), consumed from the queue. */
  private async nextLine(): Promise<string | undefined> {
    for (;;) {
      if (this.state === "closed") return undefined;
      const event = this.queue.shift();
      if (event) {
        // The continuation of AUTH: credentials.
        this.transcript?.client(REDACTED);
        return event.type === "line" ? event.text : "";
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off("data", done);
          this.socket.off("close", done);
          // Let receive() queue the chunk first.
          setImmediate(resolve);
        };
        this.socket.on("data", done);
        this.socket.on("close", done);
      });
    }
  }

  private async logIn(user: string, password: string): Promise<void> {
    this.user = undefined;
    const { store, domain, logger, loginThrottle } = this.deps;
    const client = clientKey(this.socket.remoteAddress);
    const admission = await loginThrottle.admit(client);
    if (!admission.admitted)
      return this.fail("-ERR [SYS/TEMP] Too many failed logins from your address, try again later");
    const identity = await verifyLogin(store, domain, utf8(user), utf8(password));
    if (!identity) {
      loginThrottle.failed(client);
      logger.info({ user: user.slice(0, 200) }, "pop3 login failed");
      return this.fail(`-ERR [AUTH] ${LOGIN_HINT}`);
    }
    if (identity.address === undefined) {
      // The run-wide login is IMAP's: a POP3 maildrop is one inbox.
      return this.fail("-ERR [AUTH] POP3 opens one inbox: log in with its address");
    }
    try {
      await this.openMaildrop(identity.runId, identity.address);
    } catch (err) {
      if (isSandmailError(err, "run_not_found")) return this.fail(`-ERR [AUTH] ${LOGIN_HINT}`);
      logger.warn({ err }, "pop3: could not open the maildrop");
      return this.send("-ERR [SYS/TEMP] The maildrop could not be read; try again");
    }
  }

  private async openMaildrop(runId: string, address: string): Promise<void> {
    const { store, locks } = this.deps;
    await store.ensureInbox(runId, address);
    const mailbox = await store.getMailbox(runId, address, "INBOX");
    if (!mailbox) throw new Error("INBOX missing after ensureInbox");
    const release = locks.acquire(runId, mailbox.id);
    if (!release) {
      this.send("-ERR [IN-USE] Another POP3 session has this maildrop open");
      return;
    }
    try {
      this.maildrop = await Maildrop.open(store, runId, mailbox);
    } catch (err) {
      release();
      throw err;
    }
    if (this.state === "closed") {
      release();
      return;
    }
    this.release = release;
    this.transcript?.login(address, runId);
    this.state = "transaction";
    clearTimeout(this.loginDeadline);
    this.errors = 0;
    const { count, bytes } = this.maildrop.stat();
    this.send(`+OK Logged in: ${count} messages (${bytes} octets)`);
  }

  private async stls(): Promise<void> {
    if (this.tls) return this.fail("-ERR Already using TLS");
    this.send("+OK Begin TLS negotiation");
    // Anything pipelined after STLS came in clear text: it must not run (CVE-2011-0411 class).
    this.queue = [];
    this.reader = new LineReader(this.deps.maxLineBytes);
    this.unbind();
    await upgradeToTls(this.socket, this.deps.secureContext, (secure) => {
      this.socket = secure;
      this.tls = true;
      this.transcript?.secured();
      this.attach(secure);
    });
  }

  private listing(keyword: "LIST" | "UIDL", args: string[], drop: Maildrop): void {
    const value = (n: number) => {
      const m = drop.messages[n - 1]!;
      return keyword === "LIST" ? String(m.size) : drop.uidl(m);
    };
    if (args.length > 0) {
      const m = this.message(args, 1, drop);
      if (m) this.send(`+OK ${args[0]} ${value(Number(args[0]))}`);
      return;
    }
    const lines = [keyword === "LIST" ? `+OK ${drop.stat().count} messages` : "+OK Unique ids follow"];
    drop.messages.forEach((m, i) => {
      if (!m.deleted) lines.push(`${i + 1} ${value(i + 1)}`);
    });
    lines.push(".");
    this.send(lines.join("\r\n"));
  }

  /** The message named by args[0], or an -ERR already sent. */
  private message(args: string[], count: number, drop: Maildrop) {
    if (args.length !== count) {
      this.fail("-ERR Wrong number of arguments");
      return undefined;
    }
    const n = number(args[0]);
    const m = n === undefined ? undefined : drop.at(n);
    if (!m) this.fail("-ERR No such message");
    return m;
  }

  private async sendBody(status: string, body: Buffer): Promise<void> {
    if (this.state === "closed") return;
    this.socket.write(`${status}\r\n`);
    this.transcript?.server(status);
    this.transcript?.server(`[message: ${body.length} bytes]`);
    if (!this.socket.write(body)) await drained(this.socket);
  }

  private send(text: string): void {
    if (this.state === "closed" || this.socket.destroyed) return;
    this.socket.write(`${text}\r\n`);
    if (this.transcript) for (const line of text.split("\r\n")) this.transcript.server(line);
  }

  /** Ends the session; without QUIT (`orderly` false) the session's deletion marks are taken back. */
  private async close(orderly: boolean): Promise<void> {
    if (this.state === "closed") return;
    const drop = this.maildrop;
    this.state = "closed";
    clearTimeout(this.timer);
    clearTimeout(this.loginDeadline);
    this.transcript?.end();
    endSocket(this.socket);
    try {
      if (!orderly && drop) await drop.unmarkAll();
    } catch (err) {
      this.deps.logger.warn({ err }, "pop3: could not take back \\Deleted after a dropped session");
    } finally {
      this.release?.();
      this.release = undefined;
    }
  }
}

const TRANSACTION_COMMANDS = new Set(["STAT", "LIST", "RETR", "DELE", "RSET", "TOP", "UIDL", "NOOP"]);

/** A message number or line count: digits only, as RFC 1939 writes them. */
function number(text: string | undefined): number | undefined {
  if (!text || !/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

/** A command line as a transcript shows it: no password, no SASL response. */
function shownCommand(line: string): string {
  const keyword = line.trimStart().slice(0, 5).toUpperCase();
  if (keyword.startsWith("PASS")) return keepWords(line, 1);
  if (keyword.startsWith("AUTH") || keyword.startsWith("APOP")) return keepWords(line, 2);
  return line;
}

const utf8 = (latin1: string) => Buffer.from(latin1, "latin1").toString("utf8");

/** A command name fit to echo: printable ASCII, bounded. */
const printable = (text: string) => text.replace(/[^\x21-\x7e]/g, "?").slice(0, 20);
