import type net from "node:net";
import type tls from "node:tls";
import { keepWords, REDACTED, type SessionRecorder, type Transcript } from "@sandmail/runtime";
import type { SMTPServerOptions } from "smtp-server";
import type { SMTPConnectionOptions } from "smtp-server/lib/smtp-connection.js";
import { PromptConnection, PromptGreetingServer } from "./prompt-greeting.js";

/**
 * SMTP transcripts. smtp-server has no per-line hook: its onAuth/onMailFrom/onRcptTo/onData
 * handlers see parsed commands (not the lines, not EHLO/NOOP/RSET/QUIT nor unknown commands) and
 * never the replies it writes itself (greeting, EHLO list, 5xx syntax errors). A tap on the socket
 * would see every byte, but STARTTLS swaps the socket inside the library, so it would record
 * ciphertext from then on and have to re-parse DATA. The connection's own line I/O is the one
 * place that sees exactly the lines in both directions, in clear: `_onCommand` receives every
 * client line (commands and AUTH continuations, which arrive while `_nextHandler` is set) and hands
 * it decoded to `_redactCredentials` first thing, where it is recorded; `send`
 * is the single write site of replies, and `openData` (smtp-server's `handler_DATA`, after the
 * fault hook) opens the body stream. This subclass records there; like prompt-greeting.ts it
 * mirrors smtp-server 3.21.6's internals, to be re-checked when upgrading.
 */
class TranscriptConnection extends PromptConnection {
  constructor(
    server: TranscriptServer,
    socket: net.Socket | tls.TLSSocket,
    socketOptions: SMTPConnectionOptions | null | undefined,
    readonly transcript: Transcript,
  ) {
    super(server, socket, socketOptions);
  }

  /** The body stream DATA opened, whose size the transcript shows once the message is in. */
  #body: { dataBytes: number } | undefined;

  /**
   * Called by the stock `_onCommand` first thing with every client line already as a string (it
   * is what the library logs): recording here spares a second decoding of each line.
   */
  override _redactCredentials(commandName: string, line: string): { commandName: string; line: string } {
    // An AUTH exchange in progress: the line is a SASL response (credentials), never shown.
    if (this._nextHandler) this.transcript.client(REDACTED);
    else {
      // `AUTH<space or tab>...`, in any case: the check is by pattern, not the library's command name.
      const a = (line.charCodeAt(0) | 0x20) === 0x61;
      this.transcript.client(a && /^AUTH\b/i.test(line) ? keepWords(line, 2) : line);
    }
    return super._redactCredentials(commandName, line);
  }

  protected override replying(
    code: number,
    data: string | string[] | null | undefined,
    context: string | false | undefined,
  ): void {
    // Only what the stock send() really writes (the same condition, with the context
    // PromptConnection decided: a reply carrying its own enhanced code shows it once). The lines
    // are formatted as send() formats them when the transcript is read (CodedReply).
    const socket = this._socket;
    if (this._upgrading || !socket || socket.destroyed || socket.readyState !== "open") return;
    this.#bodyDone();
    this.transcript.reply(code, this._getEnhancedStatusCode(code, context), data);
  }

  protected override openData(command: Buffer, callback: () => void): void {
    super.openData(command, callback);
    // The 354 is out; the body's size is recorded before the next reply (the one to the
    // message) or when the client leaves mid-message: no listener or closure per message.
    const parser = this._parser;
    if (this._dataStream && parser) this.#body = parser;
  }

  #bodyDone(): void {
    const body = this.#body;
    if (!body) return;
    this.#body = undefined;
    this.transcript.clientData(`[message body: ${body.dataBytes} bytes]`);
  }

  override _onClose(): void {
    const wasClosed = this._closed;
    super._onClose();
    if (wasClosed) return;
    this.#bodyDone();
    if (this.secure) this.transcript.secured();
    (this._server as TranscriptServer).forget(this.id);
    this.transcript.end();
  }
}

/**
 * PromptGreetingServer whose connections record transcripts. Each open session's transcript is in
 * `open` by session id, so the service's handlers can tell it which run a login or a recipient
 * belongs to.
 */
export class TranscriptServer extends PromptGreetingServer {
  constructor(
    options: SMTPServerOptions,
    private readonly recorder: SessionRecorder,
    private readonly open: Map<string, Transcript>,
  ) {
    super(options);
  }

  forget(sessionId: string): void {
    this.open.delete(sessionId);
  }

  protected override createConnection(
    socket: net.Socket | tls.TLSSocket,
    socketOptions?: SMTPConnectionOptions | null,
  ): PromptConnection {
    const secure = Boolean(this.options.secure);
    const transcript = this.recorder.open(
      "smtp",
      socketOptions?.remoteAddress ?? socket.remoteAddress,
      secure,
    );
    const connection = new TranscriptConnection(this, socket, socketOptions, transcript);
    this.open.set(connection.id, transcript);
    return connection;
  }
}
