import { readdirSync } from "node:fs";
import type { MimeNode } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import { indexMessage, normalizeCrlf } from "../src/index.js";
import { fixture, fixtureDir } from "./support/fixtures.js";

/** Offsets ordered and in bounds; children inside their parent's body, in order, not overlapping. */
function assertWellFormed(node: MimeNode, lo: number, hi: number): void {
  expect(lo <= node.headerStart).toBe(true);
  expect(node.headerStart <= node.headerEnd).toBe(true);
  expect(node.headerEnd).toBe(node.bodyStart);
  expect(node.bodyStart <= node.bodyEnd).toBe(true);
  expect(node.bodyEnd <= hi).toBe(true);
  let cursor = node.bodyStart;
  node.children.forEach((c, i) => {
    expect(c.part.endsWith(String(i + 1))).toBe(true);
    assertWellFormed(c, cursor, node.bodyEnd);
    cursor = c.bodyEnd;
  });
  if (node.message) {
    expect(node.message.headerStart).toBe(node.bodyStart);
    expect(node.message.bodyEnd).toBe(node.bodyEnd);
    assertWellFormed(node.message, node.bodyStart, node.bodyEnd);
  }
}

/** Small deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const corpus = readdirSync(fixtureDir)
  .filter((f) => f.endsWith(".eml"))
  .map((f) => [f, normalizeCrlf(fixture(f))] as const);

describe("indexMessage on malformed input", () => {
  it("every truncation of every fixture", () => {
    for (const [, raw] of corpus) {
      for (let n = 0; n <= raw.length; n += 3) {
        const cut = raw.subarray(0, n);
        assertWellFormed(indexMessage(cut).mime, 0, cut.length);
      }
    }
  });

  it("random byte damage, deletions and stray delimiters", () => {
    const rnd = prng(20240601);
    const junk = [
      "--",
      "\r\n",
      "\r\n--mixed-b\r\n",
      "\r\n--outer--\r\n",
      "Content-Type: multipart/mixed; boundary=x\r\n",
      "\n\n",
      "\0",
      "=?UTF-8?B?",
    ];
    for (let round = 0; round < 400; round++) {
      const [, raw] = corpus[Math.floor(rnd() * corpus.length)]!;
      let buf = Buffer.from(raw);
      for (let k = 0; k < 4; k++) {
        const at = Math.floor(rnd() * (buf.length + 1));
        const op = rnd();
        if (op < 0.3 && buf.length > 0) buf[Math.min(at, buf.length - 1)] = Math.floor(rnd() * 256);
        else if (op < 0.6)
          buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + Math.floor(rnd() * 20))]);
        else
          buf = Buffer.concat([
            buf.subarray(0, at),
            Buffer.from(junk[Math.floor(rnd() * junk.length)]!),
            buf.subarray(at),
          ]);
      }
      const meta = indexMessage(buf);
      assertWellFormed(meta.mime, 0, buf.length);
      expect(typeof meta.summary.subject).toBe("string");
    }
  });

  it("deep nesting does not exhaust the stack", () => {
    const depth = 3000;
    let text = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n";
    for (let i = 1; i < depth; i++)
      text += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary=b${i}\r\n\r\n`;
    text += `--b${depth - 1}\r\n\r\ndeep\r\n`;
    const raw = Buffer.from(text);
    const { mime } = indexMessage(raw);
    assertWellFormed(mime, 0, raw.length);
    let levels = 0;
    for (let n: MimeNode | undefined = mime; n; n = n.children[0]) levels++;
    expect(levels).toBeGreaterThan(10);

    let rfc = "";
    for (let i = 0; i < depth; i++) rfc += "Content-Type: message/rfc822\r\n\r\n";
    const nestedMessages = Buffer.from(`${rfc}Subject: core\r\n\r\nx`);
    assertWellFormed(indexMessage(nestedMessages).mime, 0, nestedMessages.length);
  });

  it("headers without values, odd types and encodings", () => {
    const raw = Buffer.from(
      "Content-Type:\r\nContent-Transfer-Encoding: BASE64 (comment)\r\nFrom:\r\nTo: ,,, <>\r\nDate: not a date\r\nSubject: =?bogus?Q?x?=\r\n\r\nbody",
    );
    const { mime, summary } = indexMessage(raw);
    expect(mime.contentType).toBe("text/plain");
    expect(mime.params).toEqual({ charset: "us-ascii" });
    expect(mime.encoding).toBe("base64");
    expect(summary.from).toEqual([]);
    expect(summary.date).toBeUndefined();
    expect(typeof summary.subject).toBe("string");
  });
});
