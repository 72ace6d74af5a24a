import { sectionBytes } from "@sandmail/mime";
import { describe, expect, it } from "vitest";
import { ImapSyntaxError, parseSection } from "../../src/content/index.js";
import { fixture, message, sectionTokens } from "./helpers.js";

describe("parseSection", () => {
  it("reads part paths and specifiers", () => {
    expect(parseSection(sectionTokens(""))).toEqual({ path: [] });
    expect(parseSection(sectionTokens("1.2.3"))).toEqual({ path: [1, 2, 3] });
    expect(parseSection(sectionTokens("2.mime"))).toEqual({ path: [2], specifier: "MIME" });
    expect(parseSection(sectionTokens("text"))).toEqual({ path: [], specifier: "TEXT" });
    expect(parseSection(sectionTokens('1.HEADER.FIELDS.NOT (From "To")'))).toEqual({
      path: [1],
      specifier: "HEADER.FIELDS.NOT",
      fields: ["From", "To"],
    });
  });

  it.each([
    "0",
    "1.",
    "1..2",
    "MIME",
    "HEADER.FIELDS",
    "HEADER.FIELDS ()",
    "TEXT (FROM)",
    "BOGUS",
    "1.BOGUS",
    "1.-2",
  ])("rejects [%s] as a syntax error", (section) => {
    expect(() => parseSection(sectionTokens(section))).toThrow(ImapSyntaxError);
  });
});

describe("sectionBytes", () => {
  it("gives part 1 of a single-part message as its body", () => {
    const { raw, root } = message("Subject: x", "", "body");
    expect(sectionBytes(raw, root, { path: [1] })?.toString()).toBe("body");
    expect(sectionBytes(raw, root, { path: [] })?.toString()).toBe(raw.toString());
    expect(sectionBytes(raw, root, { path: [], specifier: "HEADER" })?.toString()).toBe("Subject: x\r\n\r\n");
  });

  it("matches header field names case-insensitively and ends with the blank line", () => {
    const { raw, root } = message("From: a@b", "subject: Hi", "To: c@d", "", "body");
    const out = sectionBytes(raw, root, {
      path: [],
      specifier: "HEADER.FIELDS",
      fields: ["SUBJECT", "from"],
    });
    expect(out?.toString()).toBe("From: a@b\r\nsubject: Hi\r\n\r\n");
    const not = sectionBytes(raw, root, { path: [], specifier: "HEADER.FIELDS.NOT", fields: ["to"] });
    expect(not?.toString()).toBe("From: a@b\r\nsubject: Hi\r\n\r\n");
  });

  it("reads HEADER and TEXT after a part number only inside message/rfc822 parts", () => {
    const { raw, root } = fixture("27-double-rfc822.eml");
    expect(sectionBytes(raw, root, { path: [2], specifier: "HEADER" })?.toString()).toContain(
      "Subject: Fwd: nested once",
    );
    expect(sectionBytes(raw, root, { path: [2, 2, 1] })?.toString()).toBe("innermost body with Pangolin");
    expect(sectionBytes(raw, root, { path: [2, 2], specifier: "TEXT" })?.toString()).toBe(
      "innermost body with Pangolin",
    );
    // Part 1 is text/plain: it has no HEADER of its own.
    expect(sectionBytes(raw, root, { path: [1], specifier: "HEADER" })?.length).toBe(0);
  });

  it("answers a part that does not exist with nothing", () => {
    const { raw, root } = fixture("03-alternative.eml");
    expect(sectionBytes(raw, root, { path: [9] })?.length).toBe(0);
    expect(sectionBytes(raw, root, { path: [1, 1, 1] })?.length).toBe(0);
  });
});
