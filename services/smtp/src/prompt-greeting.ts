import type net from "node:net";
import type tls from "node:tls";
import { type ConnectionLimiter, endSocket } from "@sandmail/runtime";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { SMTPConnection, type SMTPConnectionOptions } from "smtp-server/lib/smtp-connection.js";

/**
 * smtp-server 3.21.6 holds every new connection for a hard-coded 100 ms before the greeting
 * (`SMTPConnection.init`, an "early talker" check against spam bots) and offers no option to
 * turn it off. A test sandbox talks to applications that open a connection per message, so the
 * delay would dominate every send. This module is the one place that changes it:
 *
 * - `PromptConnection.init` does what the stock `init` does (socket listeners, the maxClients
 *   check) and then calls `connectionReady()` at once instead of after a timer.
 * - `PromptGreetingServer.connect` is the stock `connect` building a `PromptConnection`.
 * - The default `onConnect` / `onSecure` call back on the next turn (`setImmediate`); these
 *   call back at once (options may still supply their own). With `disableReverseLookup` set,
 *   the 220 greeting is then written synchronously while the connection is set up, before any
 *   client byte can be read, so the "You talk too soon" rejection never applies.
 *
 * Both mirror smtp-server 3.21.6's code; re-check them when upgrading smtp-server.
 *
 * smtp-server picks the enhanced status code from the reply code alone (452 is always 4.2.2);
 * a reply whose text starts with its own enhanced code (`4.3.1 ...`) is sent with that one instead.
 *
 * Being the one subclass of smtp-server's connection and server, it also adds what fault
 * injection needs and the library lacks: a hook on the DATA command itself, answered before the
 * library's 354 (`onDataCommand`), and closing one session's connection (`closeSession`).
 *
 * And deadlines a trickle cannot extend: the library's idle timeout restarts on every byte, so a
 * client sending one byte every few seconds held a session for ever. Each reply (the single write
 * site, `send`) arms an absolute deadline for what the client owes next: its next command line, or
 * after 354 the whole message. Bytes do not move it; only the server's next reply does.
 */
const OWN_ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

/** How long a client may take for its next command line, and for a message after 354 (ms). */
export interface SessionDeadlines {
  commandMs: number;
  dataMs: number;
}

export class PromptConnection extends SMTPConnection {
  #deadline: NodeJS.Timeout | undefined;
  #deadlineMs = 0;

  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    const own = typeof data === "string" && OWN_ENHANCED_CODE.test(data);
    this.replying(code, data, own ? false : context);
    super.send(code, data, own ? false : context);
    if (!this._closing && !this._closed) this.#armDeadline();
  }

  /** Called with each reply as the library will format it (the context decided): for subclasses that record replies. */
  protected replying(
    _code: number,
    _data: string | string[] | null | undefined,
    _context: string | false | undefined,
  ): void {}

  override _onClose(): void {
    clearTimeout(this.#deadline);
    super._onClose();
  }

  /** Called after every reply: the client owes a command line, or (after 354) the message. */
  #armDeadline(): void {
    const deadlines = (this._server as PromptGreetingServer).deadlines;
    if (!deadlines) return;
    const parser = this._parser;
    const inData = Boolean(this._dataStream) && parser !== false && parser._dataMode;
    const ms = inData ? deadlines.dataMs : deadlines.commandMs;
    // One timer per connection, restarted in place: a reply costs no new timer.
    if (this.#deadline && ms === this.#deadlineMs) {
      this.#deadline.refresh();
      return;
    }
    clearTimeout(this.#deadline);
    this.#deadlineMs = ms;
    this.#deadline = setTimeout(() => this.#deadlinePassed(), ms);
    this.#deadline.unref();
  }

  #deadlinePassed(): void {
    if (this._closing || this._closed) return;
    // The client waits for us (a handler has not called back, or the message is in and not yet
    // decided on): not its delay. The deadline starts again with our reply.
    if (this._handlerPending || (this._dataStream && this._parser && !this._parser._dataMode)) {
      this.#deadline?.refresh();
      return;
    }
    // Mid-handshake nothing can be written in clear; the client is the one stalling it.
    if (this._upgrading) {
      this._socket.destroy();
      return;
    }
    // 421 closes the connection (smtp-server's send); a message cut off is not stored.
    this.send(421, `4.4.2 ${this.name} Timeout: the command or message took too long, closing connection`);
  }

  override init(): void {
    this._setListeners(() => {
      const { maxClients } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
        return;
      }
      this.connectionReady();
    });
  }

  override handler_DATA(command: Buffer, callback: () => void): void {
    const hook = (this._server as PromptGreetingServer).onDataCommand;
    // Without recipients the library answers 503 itself; the hook only sees a real DATA.
    if (!hook || this.session.envelope.rcptTo.length === 0) {
      this.openData(command, callback);
      return;
    }
    hook(this.session, (err) => {
      if (err) {
        this.send(err.responseCode ?? 451, err.message);
        return callback();
      }
      this.openData(command, callback);
    });
  }

  /** The stock DATA handling (354, then the body stream), once the hook let it through. */
  protected openData(command: Buffer, callback: () => void): void {
    super.handler_DATA(command, callback);
  }
}

/** An error the DATA hook answers with instead of 354. */
export type DataCommandError = Error & { responseCode?: number };

export class PromptGreetingServer extends SMTPServer {
  /** Bounds open connections per client address and in all (set by the service); none without it. */
  limiter: ConnectionLimiter | undefined;

  /** Absolute per-command and per-message deadlines (set by the service); only the idle timeout without it. */
  deadlines: SessionDeadlines | undefined;

  /** Asked before the DATA command is answered; an error is sent instead of 354. */
  onDataCommand?: (session: SMTPServerSession, callback: (err?: DataCommandError | null) => void) => void;

  /** Closes the connection of this session at once, without a reply; false when it is gone. */
  closeSession(session: SMTPServerSession): boolean {
    for (const connection of this.connections) {
      if (connection.session === session) {
        connection.close();
        return true;
      }
    }
    return false;
  }

  override onConnect(_session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    callback();
  }

  override onSecure(
    _socket: net.Socket | tls.TLSSocket,
    _session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    callback();
  }

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const release = this.limiter ? this.limiter.admit(socket.remoteAddress) : () => {};
    if (!release) {
      // RFC 5321 §3.8: 421 and close; the client retries later.
      socket.on("error", () => socket.destroy());
      endSocket(socket, "421 4.7.0 Too many connections from your address or in all, try again later\r\n");
      return;
    }
    socket.once("close", release);
    const connection = this.createConnection(socket, socketOptions);
    this.connections.add(connection);
    connection.on("error", (err: Error) => this._onError(err));
    connection.on("connect", (data) => this._onClientConnect(data));
    connection.init();
  }

  /** The connection for a new socket (transcript-connection.ts returns a recording one). */
  protected createConnection(
    socket: net.Socket | tls.TLSSocket,
    socketOptions?: SMTPConnectionOptions | null,
  ): PromptConnection {
    return new PromptConnection(this, socket, socketOptions);
  }
}
