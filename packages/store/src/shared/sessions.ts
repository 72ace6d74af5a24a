import type { SessionSummary, SessionTranscript } from "@sandmail/core";

/**
 * A transcript without its lines: what a run's session list shows. Field by field, never
 * touching `lines`: the recorder's sessions build their lines when that is read.
 */
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
