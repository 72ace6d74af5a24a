import type { SessionTranscript, TranscriptLimits } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import { keepWords, SessionRecorder } from "../src/index.js";
import { silentLogger } from "../src/logger.js";
import { CodedReply, LineBuffer, lineCost, MAX_LINE_CHARS } from "../src/transcripts/line-buffer.js";

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
    const buffer = new LineBuffer(budget, 1000);
    for (let i = 0; i < 100; i++) buffer.push("client", `line ${String(i).padStart(2, "0")}`, 1000 + i);
    const lines = buffer.lines();
    expect(lines.slice(0, 10).map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `line 0${i}`));
    expect(lines.at(-1)).toEqual({ at: 1099, from: "client", text: "line 99" });
    expect(lines).toHaveLength(20);
    expect(buffer.omitted).toBe(80);
    expect(buffer.bytes).toBeLessThanOrEqual(budget);
  });

  it("counts a multi-line reply's lines against the budget and in what it left out", () => {
    const ehlo = ["host greets you", "PIPELINING", "8BITMIME", "SIZE 1000"];
    const reply = new CodedReply(250, "", ehlo);
    const buffer = new LineBuffer(4 * reply.cost, 0);
    for (let i = 0; i < 200; i++) buffer.push("server", reply, i);
    // The cost is what the formatted lines would cost.
    expect(reply.cost).toBe(reply.lines().reduce((n, l) => n + lineCost(l), 0));
    const lines = buffer.lines();
    expect(lines).toHaveLength(4 * ehlo.length);
    expect(buffer.omitted + lines.length).toBe(200 * ehlo.length);
    expect(buffer.bytes).toBeLessThanOrEqual(4 * reply.cost);
    expect(lines.at(-1)).toEqual({ at: 199, from: "server", text: "250 SIZE 1000" });
  });

  it("keeps times before its origin (a clock stepped back) and the direction of each line", () => {
    const buffer = new LineBuffer(10_000, 5000);
    buffer.push("client", "EHLO x", 4990);
    buffer.push("server", "250 ok", 4991);
    buffer.push("client", "QUIT", 5003);
    expect(buffer.lines()).toEqual([
      { at: 4990, from: "client", text: "EHLO x" },
      { at: 4991, from: "server", text: "250 ok" },
      { at: 5003, from: "client", text: "QUIT" },
    ]);
  });
});

describe("CodedReply", () => {
  it("formats lines as smtp-server writes them: enhanced code on each line, '-' on all but the last", () => {
    expect(new CodedReply(250, "2.1.0", "Accepted").lines()).toEqual(["250 2.1.0 Accepted"]);
    expect(new CodedReply(354, "", "End data with <CR><LF>.<CR><LF>").lines()).toEqual([
      "354 End data with <CR><LF>.<CR><LF>",
    ]);
    expect(new CodedReply(220, "", null).lines()).toEqual(["220"]);
    expect(new CodedReply(250, "", ["host", "PIPELINING", "8BITMIME"]).lines()).toEqual([
      "250-host",
      "250-PIPELINING",
      "250 8BITMIME",
    ]);
    expect(new CodedReply(550, "5.1.1", ["no such", "user"]).lines()).toEqual([
      "550-5.1.1 no such",
      "550 5.1.1 user",
    ]);
    expect(new CodedReply(250, "", "x".repeat(MAX_LINE_CHARS + 10)).lines()[0]).toBe(
      `250 ${"x".repeat(MAX_LINE_CHARS - 4)}… [14 more characters]`,
    );
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

  it("keeps SMTP replies as given and shows them as lines, scoped like any line, in JSON too", () => {
    const { rec, kept } = recorder();
    const t = rec.open("smtp", "127.0.0.1", false);
    t.reply(220, "", "mx ESMTP");
    t.client("EHLO c");
    t.reply(250, "", ["mx", "PIPELINING"]);
    t.client("RCPT TO:<a@ra.test>");
    t.scope("ra");
    t.reply(250, "2.1.5", "Accepted");
    t.client("RCPT TO:<b@rb.test>");
    t.scope("rb");
    t.reply(550, "5.1.1", ["no", "such user"]);
    t.end();
    const [a, b] = kept.map((k) => k.session);
    expect(a!.lines.map((l) => [l.from, l.text])).toEqual([
      ["server", "220 mx ESMTP"],
      ["client", "EHLO c"],
      ["server", "250-mx"],
      ["server", "250 PIPELINING"],
      ["client", "RCPT TO:<a@ra.test>"],
      ["server", "250 2.1.5 Accepted"],
      ["client", "[concerns another run]"],
      ["server", "[concerns another run]"],
      ["server", "[concerns another run]"],
    ]);
    expect(b!.lines.slice(4).map((l) => l.text)).toEqual([
      "[concerns another run]",
      "[concerns another run]",
      "RCPT TO:<b@rb.test>",
      "550-5.1.1 no",
      "550 5.1.1 such user",
    ]);
    // What a store that serializes keeps: the summary and the same lines, as plain data.
    expect(JSON.parse(JSON.stringify(a))).toEqual({
      id: t.id,
      protocol: "smtp",
      client: "127.0.0.1",
      tls: false,
      user: null,
      startedAt: a!.startedAt,
      endedAt: a!.endedAt,
      commands: 3,
      bytes: a!.bytes,
      omitted: 0,
      lines: a!.lines,
    });
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
