import type { SessionSummary, SessionTranscript } from "@sandmail/core";

/** A transcript without its lines: what a run's session list shows. */
export function summaryOf(s: SessionTranscript): SessionSummary {
  return {
    id: s.id,
    protocol: s.protocol,
    client: s.client,
    tls: s.tls,
    user: s.user,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    commands: s.commands,
    bytes: s.bytes,
  };
}
