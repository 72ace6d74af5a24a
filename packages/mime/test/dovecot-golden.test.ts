import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPart, indexMessage, normalizeCrlf, type SectionSpec, sectionBytes } from "../src/index.js";
import { fixture, fixtureDir, type Golden, imapSections } from "./support/fixtures.js";

// Recorded from Dovecot 2.3 by support/dovecot-golden.ts: every section our index defines must
// hold exactly the bytes Dovecot returns for it, resolved by the part resolver IMAP FETCH uses
// (sectionBytes), and every part's size and line count must match Dovecot's BODYSTRUCTURE.
const golden = JSON.parse(readFileSync(join(fixtureDir, "dovecot-golden.json"), "utf8")) as Record<
  string,
  Golden
>;
/** "2.1.MIME" -> { path: [2, 1], specifier: "MIME" } (the golden file's keys are all well-formed). */
function section(text: string): SectionSpec {
  const tokens = text === "" ? [] : text.split(".");
  const path: number[] = [];
  while (tokens.length > 0 && /^[0-9]+$/.test(tokens[0]!)) path.push(Number(tokens.shift()));
  if (tokens.length === 0) return { path };
  return { path, specifier: tokens.join(".") as SectionSpec["specifier"] };
}

const partPath = (part: string): number[] => section(part).path;

const files = readdirSync(fixtureDir).filter((f) => f.endsWith(".eml"));

describe("indexMessage agrees with Dovecot", () => {
  it("has a golden record for every fixture", () => {
    expect(Object.keys(golden).sort()).toEqual([...files].sort());
  });

  for (const file of files) {
    it(file, () => {
      const raw = normalizeCrlf(fixture(file));
      const { mime } = indexMessage(raw);
      const g = golden[file]!;
      const sections = imapSections(mime);
      expect(sections.map((s) => s.section).sort()).toEqual(Object.keys(g.sections).sort());
      for (const [name, bytes] of Object.entries(g.sections)) {
        let mine = sectionBytes(raw, mime, section(name));
        // Dovecot returns NUL bytes in headers as 0x80; the stored bytes keep them.
        if (name.endsWith("HEADER") || name.endsWith("MIME"))
          mine = Buffer.from(mine.map((b) => (b === 0 ? 0x80 : b)));
        expect(mine.toString("latin1"), `BODY[${name}]`).toBe(
          Buffer.from(bytes, "base64").toString("latin1"),
        );
      }
      for (const [part, size, lines] of g.parts) {
        const node = findPart(mime, partPath(part));
        if (!node) {
          // A multipart without parts: Dovecot shows one empty text/plain part.
          expect([size, lines], part).toEqual([0, 0]);
          expect(mime.contentType.startsWith("multipart/") && mime.children.length === 0).toBe(true);
          continue;
        }
        expect(node.bodyEnd - node.bodyStart, `size of ${part}`).toBe(size);
        if (lines !== null) expect(node.lines, `lines of ${part}`).toBe(lines);
      }
    });
  }
});
