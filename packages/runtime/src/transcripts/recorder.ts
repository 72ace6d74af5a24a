import type { Config, SessionProtocol } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { Logger } from "../logger.js";
import { Transcript, type TranscriptSink } from "./transcript.js";

/**
 * Opens a transcript per session for the SMTP, IMAP and POP3 front ends, or none at all when
 * SANDMAIL_TRANSCRIPT_SESSIONS is 0 (then the protocol code records nothing and pays nothing).
 */
export class SessionRecorder {
  readonly #sink: TranscriptSink;

  private constructor(sink: TranscriptSink) {
    this.#sink = sink;
  }

  static fromConfig(
    config: Pick<Config, "SANDMAIL_TRANSCRIPT_SESSIONS" | "SANDMAIL_TRANSCRIPT_BYTES">,
    store: Pick<MailStore, "addSession">,
    logger: Logger,
  ): SessionRecorder | undefined {
    if (config.SANDMAIL_TRANSCRIPT_SESSIONS === 0) return undefined;
    return new SessionRecorder({
      store,
      logger,
      limits: {
        maxSessions: config.SANDMAIL_TRANSCRIPT_SESSIONS,
        maxBytes: config.SANDMAIL_TRANSCRIPT_BYTES,
      },
    });
  }

  open(protocol: SessionProtocol, clientAddress: string | undefined, tls: boolean): Transcript {
    return new Transcript(protocol, normalizeClient(clientAddress), tls, this.#sink);
  }
}

/** `::ffff:127.0.0.1` as `127.0.0.1`: the address a user recognizes. */
function normalizeClient(address: string | undefined): string {
  if (!address) return "unknown";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
