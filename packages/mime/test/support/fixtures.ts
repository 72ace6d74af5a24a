import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MimeNode } from "@sandmail/core";

export const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export function fixture(name: string): Buffer {
  return readFileSync(join(fixtureDir, name));
}

/** What Dovecot returned for one fixture: section -> base64 bytes, and [part, size, lines] per part. */
export interface Golden {
  sections: Record<string, string>;
  parts: Array<[string, number, number | null]>;
}

export interface Section {
  /** IMAP section spec, e.g. "1.2", "2.MIME", "3.HEADER", "TEXT". */
  section: string;
  /** Byte range that section is in the raw message, by our index. */
  start: number;
  end: number;
}

/**
 * Every IMAP section the tree defines, with the byte range our index gives it: HEADER and TEXT of
 * the message, and for each part its body and MIME header, plus HEADER/TEXT/1 of encapsulated
 * messages. Multiparts without children have no part 1 (Dovecot returns it empty).
 */
export function imapSections(root: MimeNode): Section[] {
  const out: Section[] = [
    { section: "HEADER", start: root.headerStart, end: root.headerEnd },
    { section: "TEXT", start: root.bodyStart, end: root.bodyEnd },
  ];
  const message = (m: MimeNode, isRoot: boolean): void => {
    if (!isRoot) {
      out.push({ section: `${m.part}.HEADER`, start: m.headerStart, end: m.headerEnd });
      out.push({ section: `${m.part}.TEXT`, start: m.bodyStart, end: m.bodyEnd });
    }
    if (m.contentType.startsWith("multipart/")) {
      for (const c of m.children) part(c);
    } else {
      const p = m.part === "" ? "1" : `${m.part}.1`;
      out.push({ section: p, start: m.bodyStart, end: m.bodyEnd });
      if (m.message) message(m.message, false);
    }
  };
  const part = (n: MimeNode): void => {
    out.push({ section: `${n.part}.MIME`, start: n.headerStart, end: n.headerEnd });
    out.push({ section: n.part, start: n.bodyStart, end: n.bodyEnd });
    for (const c of n.children) part(c);
    if (n.message) message(n.message, false);
  };
  message(root, true);
  return out;
}
