import type { MimeNode } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import {
  BadCharsetError,
  compileSearch,
  ImapSyntaxError,
  inSequenceSet,
  matchSearch,
  parseSequenceSet,
  type SearchContext,
} from "../../src/content/index.js";
import { args, message } from "./helpers.js";

function ctx(over: Partial<SearchContext> & { raw?: () => Buffer; root?: MimeNode } = {}): SearchContext {
  const m = message("Subject: hi", "Date: Mon, 31 Dec 2018 23:30:00 -0800", "", "body");
  return {
    seq: 1,
    uid: 1,
    flags: [],
    internalDate: new Date("2024-02-03T23:59:59Z"),
    size: 100,
    modSeq: 1,
    raw: () => m.raw,
    root: m.root,
    recent: false,
    maxSeq: 10,
    maxUid: 50,
    ...over,
  };
}

const search = (line: string, c: SearchContext) => matchSearch(compileSearch(args(`SEARCH ${line}`)), c);

describe("sequence sets", () => {
  it("parses ranges and resolves * against the mailbox", () => {
    const set = parseSequenceSet("1,3:5,9:*");
    expect([1, 2, 3, 4, 5, 8, 9, 10].map((n) => inSequenceSet(set, n, 10))).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
      true,
      true,
    ]);
    // n:* includes the last message even when n is beyond it; ranges may be reversed.
    expect(inSequenceSet(parseSequenceSet("20:*"), 7, 7)).toBe(true);
    expect(inSequenceSet(parseSequenceSet("5:2"), 3, 9)).toBe(true);
  });

  it.each(["", "0", "1:", ",1", "a", "1:2:3", "-1", "99999999999"])("rejects %j", (text) => {
    expect(() => parseSequenceSet(text)).toThrow(ImapSyntaxError);
  });
});

describe("compileSearch", () => {
  it("accepts US-ASCII and UTF-8 and refuses other charsets with BADCHARSET", () => {
    expect(() => compileSearch(args("SEARCH CHARSET utf-8 ALL"))).not.toThrow();
    expect(() => compileSearch(args("SEARCH CHARSET US-ASCII ALL"))).not.toThrow();
    expect(() => compileSearch(args("SEARCH ALL"), "UTF-8")).not.toThrow();
    expect(() => compileSearch(args("SEARCH CHARSET ISO-8859-1 ALL"))).toThrow(BadCharsetError);
    expect(() => compileSearch(args("SEARCH ALL"), "KOI8-R")).toThrow(BadCharsetError);
  });

  it("rejects an empty search", () => {
    expect(() => compileSearch([])).toThrow(ImapSyntaxError);
  });

  it.each([
    "BOGUS",
    "SUBJECT",
    "HEADER Subject",
    "SINCE 32-Jan-2024",
    "SINCE yesterday",
    "LARGER x",
    "UID 0",
    "OR SEEN",
    "NOT",
    "()",
    "CHARSET",
  ])("rejects %j as a syntax error", (criteria) => {
    expect(() => compileSearch(args(`SEARCH ${criteria}`))).toThrow(ImapSyntaxError);
  });
});

describe("matchSearch", () => {
  it("answers NOT over a parenthesized list by the RFC (Dovecot 2.3.19 does not)", () => {
    expect(search("NOT (SEEN FLAGGED)", ctx({ flags: ["\\Seen"] }))).toBe(true);
    expect(search("NOT (SEEN FLAGGED)", ctx({ flags: ["\\Seen", "\\Flagged"] }))).toBe(false);
    expect(search("OR NOT SEEN NOT FLAGGED", ctx({ flags: ["\\Seen"] }))).toBe(true);
  });

  it("nests OR and NOT and resolves * in sets", () => {
    expect(search("OR (SEEN DRAFT) (NOT UNSEEN)", ctx({ flags: ["\\Seen"] }))).toBe(true);
    expect(search("10", ctx({ seq: 10 }))).toBe(true);
    expect(search("*", ctx({ seq: 10 }))).toBe(true);
    expect(search("*", ctx({ seq: 9 }))).toBe(false);
    expect(search("UID 40:*", ctx({ uid: 50 }))).toBe(true);
    expect(search("NEW", ctx({ recent: true }))).toBe(true);
    expect(search("NEW", ctx({ recent: true, flags: ["\\Seen"] }))).toBe(false);
    expect(search("OLD", ctx({ recent: true }))).toBe(false);
    expect(search("KEYWORD $label1", ctx({ flags: ["$Label1"] }))).toBe(true);
  });

  it("compares INTERNALDATE by UTC day and the Date header by its own day", () => {
    expect(search("ON 3-Feb-2024", ctx())).toBe(true);
    expect(search("SINCE 4-Feb-2024", ctx())).toBe(false);
    expect(search("BEFORE 4-Feb-2024", ctx())).toBe(true);
    // 23:30 -0800 on 31 Dec is 1 Jan in UTC, but SENTON looks at the date as written.
    expect(search("SENTON 31-Dec-2018", ctx())).toBe(true);
    expect(search("SENTSINCE 1-Jan-2019", ctx())).toBe(false);
  });

  it("matches decoded, case-folded header and body text", () => {
    const m = message(
      "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
      "From: =?ISO-8859-1?Q?Fran=E7ois?= <f@x.test>",
      "Content-Type: text/plain; charset=iso-8859-1",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "R=E9SUM=C9 here",
    );
    const c = ctx({ raw: () => m.raw, root: m.root });
    expect(matchSearch(compileSearch(args('SEARCH CHARSET UTF-8 SUBJECT "GRÜSSE"')), c)).toBe(false);
    expect(matchSearch(compileSearch(args('SEARCH CHARSET UTF-8 SUBJECT "grüße"')), c)).toBe(true);
    expect(matchSearch(compileSearch(args('SEARCH CHARSET UTF-8 FROM "françois"')), c)).toBe(true);
    expect(matchSearch(compileSearch(args('SEARCH CHARSET UTF-8 BODY "résumé"')), c)).toBe(true);
    expect(search("TEXT f@x.test", c)).toBe(true);
    expect(search("BODY f@x.test", c)).toBe(false);
    expect(search('HEADER Content-Transfer-Encoding ""', c)).toBe(true);
    expect(search('HEADER X-Missing ""', c)).toBe(false);
  });

  it("reads the raw bytes once per message, then answers from its cache", () => {
    const m = message("Subject: cached", "", "some body text");
    let reads = 0;
    const c = ctx({
      raw: () => {
        reads++;
        return m.raw;
      },
      root: m.root,
    });
    for (let i = 0; i < 5; i++) {
      expect(search("SUBJECT cached", c)).toBe(true);
      expect(search("TEXT body", c)).toBe(true);
      expect(search("BODY missing", c)).toBe(false);
    }
    // One read for the header summary, one each for the TEXT and BODY views.
    expect(reads).toBe(3);
  });
});
