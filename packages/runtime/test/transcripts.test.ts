import type { SessionTranscript, TranscriptLimits } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import { keepWords, SessionRecorder } from "../src/index.js";
import { silentLogger } from "../src/logger.js";
import { LineBuffer, lineCost, MAX_LINE_CHARS } from "../src/transcripts/line-buffer.js";

function recorder(limits = { sessions: 10, bytes: 1024 * 1024 }) {
  const kept: Array<{ runId: string; session: SessionTranscript; limits: TranscriptLimits }> = [];
  const store = {
    async addSession(runId: string, session: SessionTranscript, l: TranscriptLimits) {
      kept.push({ runId, session, limits: l });
    },
  };
  const rec = SessionRecorder.fromConfig(
    { SANDMAIL_TRANSCRIPT_SESSIONS: limits.sessions, SANDMAIL_TRANSCRIPT_BYTES: limits.bytes },
    store,
    silentLogger(),
  );
  return { rec: rec!, kept };
}

describe("keepWords", () => {
  it("keeps the named words and redacts whatever follows", () => {
    expect(keepWords("AUTH PLAIN AGFiYwBzZWNyZXQ=", 2)).toBe("AUTH PLAIN [redacted]");
    expect(keepWords("AUTH LOGIN", 2)).toBe("AUTH LOGIN");
    expect(keepWords("PASS  two words secret", 1)).toBe("PASS [redacted]");
    expect(keepWords("PASS", 1)).toBe("PASS");
    expect(keepWords("PASS ", 1)).toBe("PASS");
  });
});

describe("LineBuffer", () => {
  it("keeps the start and the latest lines of a session past its budget, counting what it left out", () => {
    const budget = 20 * lineCost("line 00");
    const buffer = new LineBuffer(budget);
    for (let i = 0; i < 100; i++)
      buffer.push({ at: i, from: "client", text: `line ${String(i).padStart(2, "0")}` });
    const lines = buffer.lines().map((l) => l.text);
    expect(lines.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `line 0${i}`));
    expect(lines.at(-1)).toBe("line 99");
    expect(lines).toHaveLength(20);
    expect(buffer.omitted).toBe(80);
    expect(buffer.bytes).toBeLessThanOrEqual(budget);
  });
});

describe("Transcript", () => {
  it("keeps nothing of a session that touched no run", () => {
    const { rec, kept } = recorder();
    const t = rec.open("smtp", "::ffff:10.0.0.1", false);
    t.server("220 hi");
    t.client("QUIT");
    t.end();
    expect(kept).toEqual([]);
  });

  it("hands one copy to each run touched, lines scoped to another run shown as a marker", () => {
    const { rec, kept } = recorder();
    const t = rec.open("smtp", "::ffff:10.0.0.1", false);
    t.client("RCPT TO:<a@ra.test>");
    t.scope("ra");
    t.server("250 ok");
    t.client("RCPT TO:<b@rb.test>");
    t.scope("rb");
    t.server("250 ok");
    t.client("DATA");
    t.clientData("[message body: 10 bytes]");
    t.secured();
    t.end();
    t.end();
    expect(kept.map((k) => k.runId)).toEqual(["ra", "rb"]);
    const a = kept[0]!.session;
    expect(a).toMatchObject({ protocol: "smtp", client: "10.0.0.1", tls: true, user: null, commands: 3 });
    expect(a.lines.map((l) => l.text)).toEqual([
      "RCPT TO:<a@ra.test>",
      "250 ok",
      "[concerns another run]",
      "[concerns another run]",
      "DATA",
      "[message body: 10 bytes]",
    ]);
    expect(kept[1]!.session.lines.map((l) => l.text).slice(0, 4)).toEqual([
      "[concerns another run]",
      "[concerns another run]",
      "RCPT TO:<b@rb.test>",
      "250 ok",
    ]);
    expect(a.lines[0]).toEqual({ at: expect.any(Number), from: "client", text: "RCPT TO:<a@ra.test>" });
  });

  it("cuts a very long line and bounds a session by its own budget", () => {
    const { rec, kept } = recorder({ sessions: 10, bytes: 8192 });
    const t = rec.open("imap", "127.0.0.1", false);
    t.login("me@run.test", "run");
    t.client("x".repeat(MAX_LINE_CHARS + 500));
    for (let i = 0; i < 1000; i++) t.server(`* ${i} EXISTS`);
    t.end();
    const s = kept[0]!.session;
    expect(s.user).toBe("me@run.test");
    expect(s.lines[0]!.text).toBe(`${"x".repeat(MAX_LINE_CHARS)}… [500 more characters]`);
    expect(s.bytes).toBeLessThanOrEqual(8192);
    expect(s.omitted).toBeGreaterThan(800);
    expect(s.lines.at(-1)!.text).toBe("* 999 EXISTS");
  });

  it("is off when SANDMAIL_TRANSCRIPT_SESSIONS is 0", () => {
    const rec = SessionRecorder.fromConfig(
      { SANDMAIL_TRANSCRIPT_SESSIONS: 0, SANDMAIL_TRANSCRIPT_BYTES: 4096 },
      { addSession: async () => {} },
      silentLogger(),
    );
    expect(rec).toBeUndefined();
  });
});
