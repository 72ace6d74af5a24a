import { z } from "zod";
import { RunId, Timestamp } from "./common.js";

export const SessionParams = z.object({
  run: RunId,
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "a session id")
    .describe("A session id from GET /v1/runs/{run}/sessions.")
    .meta({ examples: ["q2Vx0bA9LmT3"] }),
});

const sessionFields = {
  id: z.string().meta({ examples: ["q2Vx0bA9LmT3"] }),
  protocol: z.enum(["smtp", "imap", "pop3"]),
  client: z
    .string()
    .describe("The client's IP address.")
    .meta({ examples: ["127.0.0.1"] }),
  tls: z.boolean().describe("Whether the session ended on TLS (implicit, or after STARTTLS/STLS)."),
  user: z
    .string()
    .nullable()
    .describe("The login name the session authenticated with; null when it did not log in.")
    .meta({ examples: ["k3x9q2m7za"] }),
  startedAt: Timestamp,
  endedAt: Timestamp,
  commands: z.number().int().describe("Lines the client sent (commands and continuations)."),
};

export const SessionSummaryView = z.object(sessionFields).meta({ id: "SessionSummary" });

export const SessionList = z
  .object({
    sessions: z.array(SessionSummaryView).describe("Newest first; only sessions that have ended."),
  })
  .meta({ id: "SessionList" });

export const TranscriptLineView = z
  .object({
    at: Timestamp,
    from: z.enum(["client", "server"]),
    text: z
      .string()
      .describe(
        "The line without CRLF. Message bodies and literals appear as their size (`[message body: 1234 bytes]`, `{300}[300 bytes]`), passwords and AUTH data as `[redacted]`, long lines cut after 2,000 characters.",
      ),
  })
  .meta({
    id: "TranscriptLine",
    examples: [{ at: "2026-03-01T12:00:00.000Z", from: "client", text: "EHLO app" }],
  });

export const SessionTranscriptView = z
  .object({
    ...sessionFields,
    omitted: z
      .number()
      .int()
      .describe(
        "Lines left out from the middle of a session longer than its budget (its start and end are kept).",
      ),
    lines: z.array(TranscriptLineView),
  })
  .meta({ id: "SessionTranscript" });

export const TranscriptText = z
  .string()
  .describe(
    "One line per protocol line: `<time> C: <text>` or `<time> S: <text>`, after a header of the session's facts.",
  );
