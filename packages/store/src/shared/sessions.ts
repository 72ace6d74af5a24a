import type { SessionSummary, SessionTranscript } from "@sandmail/core";

/** A transcript without its lines: what a run's session list shows. */
export function summaryOf(s: SessionTranscript): SessionSummary {
  const { lines: _lines, omitted: _omitted, ...summary } = s;
  return summary;
}
