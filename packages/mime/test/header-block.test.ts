import { readdirSync } from "node:fs";
import { treeAfterPrepend } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import { findHeaderEnd, foldHeader, indexMimeTree, parseHeaderBlock, prependHeaders } from "../src/index.js";
import { fixture, fixtureDir } from "./support/fixtures.js";

describe("parseHeaderBlock", () => {
  it("unfolds values, keeps raw lines and offsets, in order", () => {
    const block = Buffer.from(
      "Received: from a\r\n\tby b;\r\n Mon, 1 Jan 2024\r\nSubject:  =?UTF-8?Q?caf=C3=A9?= \r\nnot a field\r\nX-Empty:\r\n\r\nbody",
    );
    const fields = parseHeaderBlock(block);
    expect(fields.map((f) => [f.name, f.value])).toEqual([
      ["Received", "from a\tby b; Mon, 1 Jan 2024"],
      ["Subject", "=?UTF-8?Q?caf=C3=A9?="],
      ["X-Empty", ""],
    ]);
    expect(fields[0]!.rawLine).toBe("Received: from a\r\n\tby b;\r\n Mon, 1 Jan 2024");
    for (const f of fields) expect(block.subarray(f.start, f.end).toString()).toBe(`${f.rawLine}\r\n`);
  });

  it("reads UTF-8 header bytes (RFC 6532)", () => {
    const [f] = parseHeaderBlock(Buffer.from("Subject: Grüße\r\n\r\n"));
    expect(f).toMatchObject({ name: "Subject", value: "Grüße" });
  });

  it("finds the end of a header block, or the end of the data", () => {
    expect(findHeaderEnd(Buffer.from("a: b\r\n\r\nc"), 0, 9)).toBe(8);
    expect(findHeaderEnd(Buffer.from("a: b\n\nc"), 0, 7)).toBe(6);
    expect(findHeaderEnd(Buffer.from("\r\nbody"), 0, 6)).toBe(2);
    expect(findHeaderEnd(Buffer.from("a: b\r\nc: d"), 0, 10)).toBe(10);
  });
});

describe("prependHeaders", () => {
  it("puts folded CRLF fields in front of the untouched message", () => {
    const raw = Buffer.from("Subject: x\r\n\r\nbody\r\n");
    const long = `from client.example.com (client.example.com [192.0.2.1]) by sandmail.test with ESMTPS id abcdef for <qa@run1.sandmail.test>; Mon, 01 Jan 2024 10:00:00 +0000`;
    const out = prependHeaders(raw, [
      ["Received", long],
      ["Authentication-Results", "sandmail.test; spf=pass"],
    ]);
    expect(out.subarray(out.length - raw.length).equals(raw)).toBe(true);
    const head = out.subarray(0, out.length - raw.length).toString();
    for (const line of head.split("\r\n").slice(0, -1)) expect(line.length).toBeLessThanOrEqual(78);
    const fields = parseHeaderBlock(out);
    expect(fields[0]).toMatchObject({ name: "Received", value: long });
    expect(fields[1]).toMatchObject({ name: "Authentication-Results", value: "sandmail.test; spf=pass" });
    expect(fields[2]).toMatchObject({ name: "Subject", value: "x" });
  });

  it("writes already formatted fields first, in the same single copy", () => {
    const raw = Buffer.from("Subject: x\r\n\r\nbody\r\n");
    const out = prependHeaders(raw, [["Received", "from a by b"]], "Authentication-Results: b; spf=none\r\n");
    expect(out.toString()).toBe(
      "Authentication-Results: b; spf=none\r\nReceived: from a by b\r\nSubject: x\r\n\r\nbody\r\n",
    );
  });

  it("never lets a value inject a header, and rejects bad names", () => {
    expect(foldHeader("X-Test", "a\r\nBcc: evil@example.com")).toBe("X-Test: a Bcc: evil@example.com\r\n");
    expect(() => prependHeaders(Buffer.from("\r\n"), [["Bad Name", "x"]])).toThrow(
      /invalid header field name/,
    );
    expect(() => prependHeaders(Buffer.from("\r\n"), [["X:Y", "x"]])).toThrow(/invalid header field name/);
  });

  it("keeps a word longer than a line whole", () => {
    const word = "x".repeat(120);
    expect(foldHeader("X-Long", `${word} tail`)).toBe(`X-Long: ${word}\r\n tail\r\n`);
  });
});

describe("treeAfterPrepend", () => {
  const trace: Array<[string, string]> = [
    [
      "Received",
      "from client.example.com ([192.0.2.1]) by sandmail.test with ESMTP id ABC; Mon, 01 Jan 2024 10:00:00 +0000",
    ],
    ["Authentication-Results", "sandmail.test; spf=pass smtp.mailfrom=example.com"],
  ];
  const messages = readdirSync(fixtureDir).filter((name) => name.endsWith(".eml"));

  it.each(messages)("gives %s with trace fields in front the tree indexing it whole gives", (name) => {
    const raw = fixture(name);
    const whole = prependHeaders(raw, trace);
    expect(treeAfterPrepend(indexMimeTree(raw), whole.length - raw.length)).toEqual(indexMimeTree(whole));
  });

  it("also for a message with no header and one with no blank line", () => {
    for (const raw of [Buffer.from("\r\nbody only\r\n"), Buffer.from("Subject: no body")]) {
      const whole = prependHeaders(raw, trace);
      expect(treeAfterPrepend(indexMimeTree(raw), whole.length - raw.length)).toEqual(indexMimeTree(whole));
    }
  });
});
