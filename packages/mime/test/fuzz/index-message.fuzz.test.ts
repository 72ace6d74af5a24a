import type { MimeNode } from "@sandmail/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findPart, indexMessage } from "../../src/index.js";

/**
 * Property-based fuzzing of the MIME indexer every stored message goes through: on any bytes
 * (MIME-shaped or not: nested multiparts, wrong and missing boundaries, encapsulated messages,
 * bare LF, binary junk) it returns a tree whose offsets lie inside the message and nest properly,
 * and never throws.
 */
const CASES = 10_000;

const headerName = fc.constantFrom(
  "Content-Type",
  "Content-Transfer-Encoding",
  "Subject",
  "From",
  "To",
  "X-A",
  "Content-Disposition",
);
const boundary = fc.constantFrom("b", "b1", "==x", "");
const contentType = fc.oneof(
  boundary.map((b) => `multipart/mixed; boundary="${b}"`),
  fc.constantFrom(
    "text/plain; charset=utf-8",
    "message/rfc822",
    "text/html",
    "multipart/alternative",
    "application/octet-stream",
  ),
);
const header = fc.oneof(
  fc.tuple(headerName, fc.string({ maxLength: 30 })).map(([n, v]) => `${n}: ${v}`),
  contentType.map((t) => `Content-Type: ${t}`),
  fc.constantFrom(" folded continuation", "no colon here", "=?utf-8?q?x?=: odd"),
);
const line = fc.oneof(
  fc.string({ maxLength: 40 }),
  boundary.map((b) => `--${b}`),
  boundary.map((b) => `--${b}--`),
  header,
  fc.constant(""),
);
const eol = fc.constantFrom("\r\n", "\n", "\r");
const structured = fc
  .tuple(fc.array(header, { maxLength: 6 }), fc.array(fc.tuple(line, eol), { maxLength: 30 }))
  .map(([headers, body]) =>
    Buffer.from(`${headers.join("\r\n")}\r\n\r\n${body.map(([l, e]) => l + e).join("")}`, "utf8"),
  );
const message = fc.oneof(
  { weight: 4, arbitrary: structured },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) },
);

function checkNode(node: MimeNode, start: number, end: number, length: number): void {
  expect(node.headerStart).toBeGreaterThanOrEqual(start);
  expect(node.headerStart).toBeLessThanOrEqual(node.headerEnd);
  expect(node.headerEnd).toBeLessThanOrEqual(node.bodyStart);
  expect(node.bodyStart).toBeLessThanOrEqual(node.bodyEnd);
  expect(node.bodyEnd).toBeLessThanOrEqual(Math.min(end, length));
  expect(node.lines).toBeGreaterThanOrEqual(0);
  for (const child of node.children) checkNode(child, node.bodyStart, node.bodyEnd, length);
  if (node.message) checkNode(node.message, node.bodyStart, node.bodyEnd, length);
}

describe("MIME indexer (fast-check)", () => {
  it(`indexes ${CASES} random messages into trees inside their bytes`, () => {
    fc.assert(
      fc.property(message, (raw) => {
        const meta = indexMessage(raw);
        checkNode(meta.mime, 0, raw.length, raw.length);
        expect(typeof meta.summary.subject).toBe("string");
        // The part numbers IMAP clients ask for resolve (or say "no such part") without throwing.
        for (const path of [[1], [1, 1], [2], [1, 2, 3]]) findPart(meta.mime, path);
      }),
      { numRuns: CASES },
    );
  });
});
