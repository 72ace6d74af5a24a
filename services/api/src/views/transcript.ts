import type { SessionSummary, SessionTranscript, TranscriptLine } from "@sandmail/core";

const iso = (ms: number) => new Date(ms).toISOString();

/** The wire form: times as ISO strings; `bytes` is the store's budget bookkeeping, not shown. */
export function summaryView(s: SessionSummary) {
  const { bytes: _bytes, ...shown } = s;
  return { ...shown, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt) };
}

export function transcriptView(s: SessionTranscript) {
  const { lines, omitted, ...summary } = s;
  return {
    ...summaryView(summary),
    omitted,
    lines: lines.map((l: TranscriptLine) => ({ at: iso(l.at), from: l.from, text: l.text })),
  };
}

/** Control characters as `\xNN`: a line of the transcript can never pass for two. */
function printable(text: string): string {
  return text.replace(
    /[\x00-\x08\x0a-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/** The transcript as a mail server log reads: a header, then `<time> C:` / `S:` lines (UTC). */
export function transcriptText(s: SessionTranscript): string {
  const out = [
    `# ${s.protocol.toUpperCase()} session ${s.id}`,
    `# client ${s.client}, ${s.tls ? "TLS" : "no TLS"}, user ${s.user ?? "(none)"}, ${s.commands} commands`,
    `# ${iso(s.startedAt)} to ${iso(s.endedAt)}`,
  ];
  if (s.omitted > 0)
    out.push(`# ${s.omitted} lines omitted from the middle (the start and the end are kept)`);
  for (const l of s.lines) {
    out.push(`${iso(l.at).slice(11, 23)} ${l.from === "client" ? "C:" : "S:"} ${printable(l.text)}`);
  }
  return `${out.join("\n")}\n`;
}
