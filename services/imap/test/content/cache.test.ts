/**
 * The content layer computes ENVELOPE and SEARCH text once per message: cached answers must be
 * exactly what a fresh computation gives, and SEARCH must know when it can skip the bytes.
 */
import { readdirSync } from "node:fs";
import { indexMessage } from "@sandmail/mime";
import { describe, expect, it } from "vitest";
import {
  compileSearch,
  envelope,
  envelopeWire,
  matchSearch,
  needsRawFor,
  type SearchContext,
} from "../../src/content/index.js";
import { ChunkList, writeValue } from "../../src/protocol/writer.js";
import { args, fixture, message } from "./helpers.js";

const fixtureNames = readdirSync(new URL("../fixtures/", import.meta.url)).filter((f) => f.endsWith(".eml"));

function wire(value: Parameters<typeof writeValue>[1]): string {
  const out = new ChunkList();
  writeValue(out, value);
  return Buffer.concat(out.finish()).toString("latin1");
}

function searchCtx(raw: Buffer, root: SearchContext["root"], reads: { n: number }): SearchContext {
  return {
    seq: 1,
    uid: 1,
    flags: [],
    internalDate: new Date("2024-01-01T00:00:00Z"),
    size: raw.length,
    modSeq: 1,
    raw: () => {
      reads.n++;
      return raw;
    },
    root,
    recent: false,
    maxSeq: 1,
    maxUid: 1,
  };
}

describe("ENVELOPE cache", () => {
  it("sends, for every fixture, exactly the serialized ENVELOPE of a fresh parse", () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(30);
    for (const name of fixtureNames) {
      const { raw, root } = fixture(name);
      const fresh = indexMessage(raw).mime;
      expect(envelopeWire(raw, root).value, name).toBe(wire(envelope(raw, fresh)));
      // Asked again, the same answer, also when the Value was cached first.
      expect(envelopeWire(raw, root).value, name).toBe(wire(envelope(raw, root)));
      expect(envelope(raw, root), name).toEqual(envelope(raw, indexMessage(raw).mime));
    }
  });

  it("keeps 8-bit header text byte for byte as a literal", () => {
    const { raw, root } = message("Subject: Grüße", "From: Jürgen <j@x.test>", "", "body");
    const text = envelopeWire(raw, root).value;
    const subject = Buffer.from("Grüße");
    expect(text).toContain(`{${subject.length}}\r\n${subject.toString("latin1")}`);
    expect(Buffer.from(text, "latin1").includes(subject)).toBe(true);
  });

  it("reads headers named like Object.prototype members without tripping over them", () => {
    const { raw, root } = message(
      "constructor: x",
      "__proto__: y",
      "toString: z",
      "From: a@x.test",
      "Subject: s",
      "",
      "",
    );
    const env = envelope(raw, root) as unknown[];
    expect(env[1]).toBe("s");
    expect(env[2]).toEqual([[null, null, "a", "x.test"]]);
  });

  it("unfolds values and drops the whitespace after the colon, as before the fast path", () => {
    const { raw, root } = message(
      "Subject:   \t leading",
      "Message-ID:",
      " <folded@x.test>",
      "In-Reply-To: <a@x.test>",
      "  <b@x.test>",
      "Date:",
      "",
      "",
    );
    const env = envelope(raw, root) as unknown[];
    expect(env[0]).toBe("");
    expect(env[1]).toBe("leading");
    expect(env[8]).toBe("<a@x.test> <b@x.test>");
    expect(env[9]).toBe("<folded@x.test>");
  });
});

describe("SEARCH content cache", () => {
  it("reads a message's bytes once, then answers from the cache", () => {
    const { raw, root } = fixture("07-encoded-words.eml");
    const reads = { n: 0 };
    const subject = compileSearch(args("SEARCH SUBJECT prices"));
    const from = compileSearch(args("SEARCH FROM juergen"));
    const text = compileSearch(args("SEARCH TEXT prices"));
    expect(needsRawFor(subject, root)).toBe(true);
    expect(matchSearch(subject, searchCtx(raw, root, reads))).toBe(true);
    expect(needsRawFor(subject, root)).toBe(false);
    // Other header keys reuse the located fields: no second read.
    expect(needsRawFor(from, root)).toBe(false);
    expect(matchSearch(from, searchCtx(raw, root, reads))).toBe(true);
    expect(reads.n).toBe(1);
    // TEXT is decoded separately, once.
    expect(needsRawFor(text, root)).toBe(true);
    expect(matchSearch(text, searchCtx(raw, root, reads))).toBe(true);
    expect(matchSearch(text, searchCtx(raw, root, reads))).toBe(true);
    expect(reads.n).toBe(2);
    expect(needsRawFor(text, root)).toBe(false);
  });

  it("asks for bytes only where a key needs content", () => {
    const { root } = message("Subject: x", "", "body");
    const needs = (line: string) => needsRawFor(compileSearch(args(line)), root);
    expect(needs("SEARCH SEEN LARGER 10 UID 1:* 1:5 SINCE 1-Jan-2020")).toBe(false);
    expect(needs('SEARCH BODY ""')).toBe(false);
    expect(needs("SEARCH SEEN OR FLAGGED NOT BODY x")).toBe(true);
    expect(needs("SEARCH SENTBEFORE 1-Jan-2020")).toBe(true);
    expect(needs('SEARCH HEADER X-Anything ""')).toBe(true);
  });
});
