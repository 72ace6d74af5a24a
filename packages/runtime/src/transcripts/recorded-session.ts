import type { SessionProtocol, SessionTranscript, TranscriptLine } from "@sandmail/core";
import type { LineBuffer } from "./line-buffer.js";

/**
 * A finished session as the recorder hands it to a store: the summary as plain fields, the lines
 * formatted from the session's LineBuffer only when read (`lines` is a getter, `toJSON` gives the
 * plain form for a store that serializes). A memory store keeps it as it is, so a session nobody
 * reads never has its lines built. The buffer is no longer written once the session has ended.
 */
export class RecordedSession implements SessionTranscript {
  readonly id: string;
  readonly protocol: SessionProtocol;
  readonly client: string;
  readonly tls: boolean;
  readonly user: string | null;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly commands: number;
  readonly bytes: number;
  readonly omitted: number;
  readonly #buffer: LineBuffer;
  /** The run this copy is for, when the session touched several (lines of the others hidden). */
  readonly #forRun: string | undefined;

  constructor(summary: Omit<SessionTranscript, "lines">, buffer: LineBuffer, forRun: string | undefined) {
    this.id = summary.id;
    this.protocol = summary.protocol;
    this.client = summary.client;
    this.tls = summary.tls;
    this.user = summary.user;
    this.startedAt = summary.startedAt;
    this.endedAt = summary.endedAt;
    this.commands = summary.commands;
    this.bytes = summary.bytes;
    this.omitted = summary.omitted;
    this.#buffer = buffer;
    this.#forRun = forRun;
  }

  get lines(): TranscriptLine[] {
    return this.#buffer.lines(this.#forRun);
  }

  toJSON(): SessionTranscript {
    return { ...this, lines: this.lines };
  }
}
