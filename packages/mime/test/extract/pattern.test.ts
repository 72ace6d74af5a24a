import { compilePatternText } from "@sandmail/matcher";
import { describe, expect, it } from "vitest";
import { extractByPattern, MAX_PATTERN_MATCHES } from "../../src/extract/index.js";

// The API compiles user patterns with @sandmail/matcher (RE2); extraction runs what it gets.
const re = (literal: RegExp) => compilePatternText(String(literal));

const message = {
  subject: "Order 1001 shipped",
  text: "Hi! Track order 1001 at https://t.example/1001 and order 1002 too.",
  html: '<a href="https://t.example/track?id=1001&amp;k=abc">Track</a>',
};

describe("extractByPattern", () => {
  it("finds every match in subject, text and HTML markup, with offsets and groups", () => {
    expect(extractByPattern(message, re(/order (\d+)/i))).toEqual([
      { match: "Order 1001", groups: ["1001"], source: "subject", index: 0 },
      { match: "order 1001", groups: ["1001"], source: "text", index: 10 },
      { match: "order 1002", groups: ["1002"], source: "text", index: 51 },
    ]);
  });

  it("matches the HTML as written, attributes and entities included", () => {
    expect(extractByPattern(message, re(/id=(\d+)&amp;k=(?<key>\w+)/))).toEqual([
      {
        match: "id=1001&amp;k=abc",
        groups: ["1001", "abc"],
        namedGroups: { key: "abc" },
        source: "html",
        index: message.html.indexOf("id="),
      },
    ]);
  });

  it("reports groups that did not take part as null", () => {
    const [first] = extractByPattern({ text: "code A" }, re(/code (A)|code (B)/));
    expect(first?.groups).toEqual(["A", null]);
  });

  it("ignores the g and y flags it is given and keeps the others", () => {
    expect(extractByPattern({ text: "x1 X2 x3" }, re(/x\d/gy)).map((m) => m.match)).toEqual(["x1", "x3"]);
    expect(extractByPattern({ text: "x1 X2 x3" }, re(/x\d/iy)).map((m) => m.match)).toEqual([
      "x1",
      "X2",
      "x3",
    ]);
  });

  it("stops at a bounded number of matches, even for empty ones", () => {
    const found = extractByPattern({ text: "a".repeat(MAX_PATTERN_MATCHES * 3) }, re(/b*/));
    expect(found).toHaveLength(MAX_PATTERN_MATCHES);
    expect(found[1]).toEqual({ match: "", groups: [], source: "text", index: 1 });
  });

  it("returns nothing when nothing matches or the message is empty", () => {
    expect(extractByPattern(message, re(/nope/))).toEqual([]);
    expect(extractByPattern({}, re(/.*/))).toEqual([]);
  });
});
