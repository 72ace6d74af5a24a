/**
 * Protocol transcripts: what one SMTP, IMAP or POP3 session said, kept per run it touched.
 * Times are epoch milliseconds (the API shows them as ISO strings).
 */

export type SessionProtocol = "smtp" | "imap" | "pop3";

export interface TranscriptLine {
  at: number;
  from: "client" | "server";
  /** The line without its CRLF; message bodies and literals appear as their size, secrets as `[redacted]`. */
  text: string;
}

export interface SessionSummary {
  /** Unique per session (one id even when the session touched several runs). */
  id: string;
  protocol: SessionProtocol;
  /** The client's IP address. */
  client: string;
  /** Whether the session ended on TLS (implicit or after STARTTLS/STLS). */
  tls: boolean;
  /** The login name the session authenticated with; null when it did not log in. */
  user: string | null;
  startedAt: number;
  endedAt: number;
  /** Client lines (commands) of the session, including any omitted from `lines`. */
  commands: number;
  /** What the session counts against the run's transcript budget. */
  bytes: number;
}

export interface SessionTranscript extends SessionSummary {
  /**
   * May be a getter that builds the lines when read (what the recorder hands a store): a store
   * reads it only to answer for one session, and serializes with JSON.stringify (its `toJSON`).
   */
  readonly lines: TranscriptLine[];
  /**
   * Lines left out from the middle of a session longer than its budget (the start and the end
   * are kept); 0 for most sessions.
   */
  omitted: number;
}

/** The per-run ring: the newest sessions within both bounds are kept. */
export interface TranscriptLimits {
  maxSessions: number;
  maxBytes: number;
}
