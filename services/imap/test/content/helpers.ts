import { readFileSync } from "node:fs";
import type { MimeNode } from "@sandmail/core";
import { indexMessage } from "@sandmail/mime";
import type { Token } from "../../src/protocol/ast.js";
import { parseFrame } from "../../src/protocol/tokenize.js";

/** A fixture's bytes and MIME tree. */
export function fixture(name: string): { raw: Buffer; root: MimeNode } {
  const raw = readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
  return { raw, root: indexMessage(raw).mime };
}

/** Builds a message from lines joined with CRLF. */
export function message(...lines: string[]): { raw: Buffer; root: MimeNode } {
  const raw = Buffer.from(lines.join("\r\n"));
  return { raw, root: indexMessage(raw).mime };
}

/** Arguments of a command line, as the real protocol parser produces them. */
export function args(line: string): Token[] {
  return parseFrame({ pieces: [{ line: Buffer.from(`A ${line}`) }] }).args;
}

/** The tokens inside the brackets of `BODY[...]`. */
export function sectionTokens(section: string): Token[] {
  const item = args(`FETCH 1 BODY[${section}]`)[1]!;
  return item.type === "atom" ? (item.section ?? []) : [];
}
