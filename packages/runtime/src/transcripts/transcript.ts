import { randomBytes } from "node:crypto";
import type { SessionProtocol, SessionTranscript, TranscriptLimits, TranscriptLine } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { Logger } from "../logger.js";
import { clip, LineBuffer } from "./line-buffer.js";

/** What a line concerning another run is shown as in a run's copy of a shared session. */
export const OTHER_RUN_LINE = "[concerns another run]";
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
 */
export class Transcript {
  readonly id = nextId();
  readonly #buffer: LineBuffer;
  readonly #runs = new Set<string>();
  readonly #startedAt = Date.now();
  #user: string | null = null;
  #commands = 0;
  #pendingScope: string | undefined;
  /**
   * Lines that concern one run alone (an RCPT and its reply), rare enough to be kept aside: the
   * lines themselves go to the store as they are. Weak, so lines the buffer drops are forgotten.
   */
  #scopes: WeakMap<TranscriptLine, string> | undefined;
  #ended = false;

  constructor(
    readonly protocol: SessionProtocol,
    private readonly clientAddress: string,
    private tls: boolean,
    private readonly sink: TranscriptSink,
  ) {
    this.#buffer = new LineBuffer(Math.min(sink.limits.maxBytes, MAX_SESSION_BYTES));
  }

  /** A command line (or a continuation line) the client sent. */
  client(text: string): void {
    this.#commands++;
    this.#push("client", text);
  }

  /** Something the client sent that is not a command: a message body's size, a literal's size. */
  clientData(text: string): void {
    this.#push("client", text);
  }

  /** A reply line the server wrote. */
  server(text: string): void {
    this.#push("server", text);
  }

  #push(from: TranscriptLine["from"], text: string): void {
    if (this.#ended) return;
    const line: TranscriptLine = { at: Date.now(), from, text: clip(text) };
    if (from === "server" && this.#pendingScope !== undefined) {
      this.#scopeLine(line, this.#pendingScope);
      this.#pendingScope = undefined;
    }
    this.#buffer.push(line);
  }

  /** The session logged in (or authenticated) as `user`, into `runId`. */
  login(user: string, runId: string): void {
    this.#user = user;
    this.touch(runId);
  }

  /** The session concerns `runId` (a recipient of it, a login to it): it is kept for that run. */
  touch(runId: string): void {
    this.#runs.add(runId);
  }

  /**
   * The last client line and the next server line concern `runId` alone (an SMTP RCPT routed to
   * it): other runs the session touched see them as OTHER_RUN_LINE. Also touches the run.
   */
  scope(runId: string): void {
    this.touch(runId);
    const last = this.#buffer.last;
    if (last?.from === "client") this.#scopeLine(last, runId);
    this.#pendingScope = runId;
  }

  #scopeLine(line: TranscriptLine, runId: string): void {
    this.#scopes ??= new WeakMap();
    this.#scopes.set(line, runId);
  }

  /** The session switched to TLS (STARTTLS, STLS). */
  secured(): void {
    this.tls = true;
  }

  /** The session is over: hands the transcript to every run it touched. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#runs.size === 0) return;
    const { store, limits, logger } = this.sink;
    const lines = this.#buffer.lines();
    // A session of one run shows every line as it is (a scope can only name that run).
    const scopes = this.#runs.size > 1 ? this.#scopes : undefined;
    for (const runId of this.#runs) {
      const record: SessionTranscript = {
        id: this.id,
        protocol: this.protocol,
        client: this.clientAddress,
        tls: this.tls,
        user: this.#user,
        startedAt: this.#startedAt,
        endedAt: Date.now(),
        commands: this.#commands,
        bytes: this.#buffer.bytes,
        omitted: this.#buffer.omitted,
        lines: scopes ? lines.map((l) => viewFor(l, scopes.get(l), runId)) : lines,
      };
      store.addSession(runId, record, limits).catch((err: unknown) => {
        // A run deleted or expired while the session lasted has nowhere to keep it.
        logger.debug({ err, run: runId, session: this.id }, "transcript not kept");
      });
    }
  }
}

function viewFor(line: TranscriptLine, scope: string | undefined, runId: string): TranscriptLine {
  return scope === undefined || scope === runId
    ? line
    : { at: line.at, from: line.from, text: OTHER_RUN_LINE };
}
