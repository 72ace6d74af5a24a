import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { CodeSource, ExtractInput, LinkSource } from "../../src/extract/index.js";
import { extractCodes, extractLinks } from "../../src/extract/index.js";

interface Expected {
  about: string;
  links: Array<{ url: string; text?: string; sources: LinkSource[] }>;
  codes: Array<{ value: string; raw?: string; sources: CodeSource[] }>;
}

const dir = fileURLToPath(new URL("../extract-fixtures/", import.meta.url));
const fixtures = readdirSync(dir)
  .filter((name) => name.endsWith(".eml"))
  .sort();

// What the ingest path hands to the extractors: only parts the message really has. mailparser
// renders HTML into `text` for HTML-only mail unless told not to.
async function readableInput(eml: Buffer): Promise<ExtractInput> {
  const parsed = await simpleParser(eml, { skipHtmlToText: true });
  const input: ExtractInput = {};
  if (parsed.subject) input.subject = parsed.subject;
  if (parsed.text) input.text = parsed.text;
  if (typeof parsed.html === "string" && parsed.html) input.html = parsed.html;
  return input;
}

describe("extraction fixture corpus", () => {
  it("has at least 20 emails, each with its expectations next to it", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    const names = new Set(readdirSync(dir));
    for (const eml of fixtures) expect(names.has(eml.replace(/\.eml$/, ".expected.json"))).toBe(true);
  });

  for (const name of fixtures) {
    describe(name, () => {
      const expected = JSON.parse(
        readFileSync(join(dir, name.replace(/\.eml$/, ".expected.json")), "utf8"),
      ) as Expected;
      const load = () => readableInput(readFileSync(join(dir, name)));

      it("finds exactly the expected links", async () => {
        expect(extractLinks(await load())).toEqual(expected.links);
      });

      it("finds exactly the expected codes, best first", async () => {
        const codes = extractCodes(await load());
        const seen = codes.map((code, i) => ({
          value: code.value,
          ...(expected.codes[i]?.raw !== undefined ? { raw: code.raw } : {}),
          sources: code.sources,
        }));
        expect(seen).toEqual(expected.codes);
        for (const code of codes) {
          expect(code.sources).toContain(code.source);
          expect(code.context).toContain(code.raw);
          expect(code.score).toBeGreaterThan(0);
          expect(code.score).toBeLessThanOrEqual(1);
        }
        const scores = codes.map((code) => code.score);
        expect(scores).toEqual(scores.toSorted((a, b) => b - a));
      });
    });
  }
});
