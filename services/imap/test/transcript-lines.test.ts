import { describe, expect, it } from "vitest";
import { frameText, ReplyLines, redactCommand } from "../src/session/transcript-lines.js";

describe("IMAP transcript lines", () => {
  it("splits written replies into lines, each literal as its size, whatever the chunking", () => {
    const wire = Buffer.from(
      "* 1 FETCH (UID 7 BODY[] {11}\r\nhello\r\nbody FLAGS (\\Seen))\r\n* 2 FETCH (BODY[] {0}\r\n)\r\na OK done\r\n",
    );
    for (const size of [1, 3, 7, wire.length]) {
      const lines: string[] = [];
      const out = new ReplyLines((l) => lines.push(l));
      for (let i = 0; i < wire.length; i += size) out.push(wire.subarray(i, i + size));
      expect(lines).toEqual([
        "* 1 FETCH (UID 7 BODY[] {11}[11 bytes] FLAGS (\\Seen))",
        "* 2 FETCH (BODY[] {0}[0 bytes])",
        "a OK done",
      ]);
    }
  });

  it("renders client frames with literal sizes and redacts credentials", () => {
    const frame = {
      pieces: [
        { line: Buffer.from("a APPEND INBOX {5}"), literal: Buffer.from("hello") },
        { line: Buffer.from("") },
      ],
    };
    expect(frameText(frame)).toBe("a APPEND INBOX {5}[5 bytes]");
    expect(redactCommand('a LOGIN "me@x.test" "sec ret"')).toBe('a LOGIN "me@x.test" [redacted]');
    expect(redactCommand("a login me@x.test secret")).toBe("a login me@x.test [redacted]");
    expect(redactCommand("a LOGIN {9}[9 bytes] {6}[6 bytes]")).toBe("a LOGIN {9}[9 bytes] [redacted]");
    expect(redactCommand("a LOGIN secretonly")).toBe("a LOGIN [redacted]");
    expect(redactCommand("a AUTHENTICATE PLAIN AHVzZXIAcGFzcw==")).toBe("a AUTHENTICATE PLAIN [redacted]");
    expect(redactCommand("a SELECT INBOX")).toBe("a SELECT INBOX");
  });
});
