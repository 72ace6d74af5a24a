import { randomBytes } from "node:crypto";
import type { SessionProtocol, TranscriptLimits, TranscriptLine } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { Logger } from "../logger.js";
import { CodedReply, clip, LineBuffer } from "./line-buffer.js";
import { RecordedSession } from "./recorded-session.js";

export const REDACTED = "[redacted]";

/**
 * Session ids: a random prefix per process and a counter, unique across the processes sharing a
 * store without a random draw per session (a synchronous crypto call costs more than the rest of
 * recording a short SMTP session).
 */
const ID_PREFIX = randomBytes(6).toString("base64url");
let idCounter = 0;
const nextId = () => `${ID_PREFIX}${(idCounter++).toString(36)}`;

/** Each session's own budget: a fraction of the run's ring, so one chatty session cannot fill it. */
const MAX_SESSION_BYTES = 128 * 1024;

export interface TranscriptSink {
  store: Pick<MailStore, "addSession">;
  limits: TranscriptLimits;
  logger: Logger;
}

/**
 * The record of one protocol session, written by the connection code of each protocol as it
 * reads a line and writes a reply. Lines are kept in memory while the session lasts; when it
 * ends, the transcript goes to the ring of every run the session touched (logged in as it,
 * delivered to it), and nowhere when it touched none. The protocol code decides what a line
 * shows: it passes bodies and literals as sizes and secrets as `[redacted]` (see redact.ts).
 *
 * Every session pays for recording and few are ever read, so recording keeps lines as they came
 * (see LineBuffer) and the store gets them formatted only when someone reads them (RecordedSession).
 */
export class Transcript {
  readonly id = nextId();
  readonly #startedAt = Date.now();
  readonly #buffer: LineBuffer;
  /** The runs the session touched; one for nearly every session, so an array, not a Set. */
  readonly #runs: string[] = [];
  #user: string | null = null;
  #commands = 0;
  /** The run the next server line concerns alone (after an RCPT routed to it). */
  #pendingScope: string | undefined;
  #ended = false;

  constructor(
    readonly protocol: SessionProtocol,
    private readonly clientAddress: string,
    private tls: boolean,
    private readonly sink: TranscriptSink,
  ) {
    this.#buffer = new LineBuffer(Math.min(sink.limits.maxBytes, MAX_SESSION_BYTES), this.#startedAt);
  }

  /** A command line (or a continuation line) the client sent. */
  client(text: string): void {
    this.#commands++;
    this.#push("client", clip(text));
  }

  /** Something the client sent that is not a command: a message body's size, a literal's size. */
  clientData(text: string): void {
    this.#push("client", clip(text));
  }

  /** A reply line the server wrote. */
  server(text: string): void {
    this.#push("server", clip(text));
  }

  /**
   * An SMTP reply as smtp-server's `send` writes it: `code`, the enhanced status code it carries
   * ('' for none) and its text, one string or one per line. Formatted into lines when read.
   */
  reply(code: number, enhanced: string, data: string | readonly unknown[] | null | undefined): void {
    this.#push("server", new CodedReply(code, enhanced, data));
  }

  #push(from: TranscriptLine["from"], entry: string | CodedReply): void {
    if (this.#ended) return;
    let scope: string | undefined;
    if (from === "server" && this.#pendingScope !== undefined) {
      scope = this.#pendingScope;
      this.#pendingScope = undefined;
    }
    this.#buffer.push(from, entry, Date.now(), scope);
  }

  /** The session logged in (or authenticated) as `user`, into `runId`. */
  login(user: string, runId: string): void {
    this.#user = user;
    this.touch(runId);
  }

  /** The session concerns `runId` (a recipient of it, a login to it): it is kept for that run. */
  touch(runId: string): void {
    if (!this.#runs.includes(runId)) this.#runs.push(runId);
  }

  /**
   * The last client line and the next server line concern `runId` alone (an SMTP RCPT routed to
   * it): other runs the session touched see them as OTHER_RUN_LINE. Also touches the run.
   */
  scope(runId: string): void {
    this.touch(runId);
    if (this.#buffer.lastFromClient) this.#buffer.scopeLast(runId);
    this.#pendingScope = runId;
  }

  /** The session switched to TLS (STARTTLS, STLS). */
  secured(): void {
    this.tls = true;
  }

  /** The session is over: hands the transcript to every run it touched. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#runs.length === 0) return;
    const { store, limits, logger } = this.sink;
    const endedAt = Date.now();
    // A session of one run shows every line as it is (a scope can only name that run).
    const shared = this.#runs.length > 1;
    for (const runId of this.#runs) {
      const record = new RecordedSession(
        {
          id: this.id,
          protocol: this.protocol,
          client: this.clientAddress,
          tls: this.tls,
          user: this.#user,
          startedAt: this.#startedAt,
          endedAt,
          commands: this.#commands,
          bytes: this.#buffer.bytes,
          omitted: this.#buffer.omitted,
        },
        this.#buffer,
        shared ? runId : undefined,
      );
      store.addSession(runId, record, limits).catch((err: unknown) => {
        // A run deleted or expired while the session lasted has nowhere to keep it.
        logger.debug({ err, run: runId, session: this.id }, "transcript not kept");
      });
    }
  }
}
