/**
 * Regenerates test/fixtures/dovecot-golden.json: what Dovecot (the reference IMAP server) returns
 * for every section of every fixture, so the tests check indexMessage's offsets against a real
 * implementation without needing Dovecot at test time. Needs Debian's dovecot-imapd and root
 * (Dovecot is run as nobody, preauthenticated on stdin):
 *   npx tsx packages/mime/test/support/dovecot-golden.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MimeNode } from "@sandmail/core";
import { indexMessage, normalizeCrlf } from "../../src/index.js";
import { fixtureDir, type Golden, imapSections } from "./fixtures.js";

const home = mkdtempSync(join(tmpdir(), "sandmail-dovecot-"));
writeFileSync(
  join(home, "dovecot.conf"),
  `mail_location = maildir:${home}/Maildir\nlog_path = ${home}/log\nssl = no\n`,
);

function fetchFromDovecot(raw: Buffer, items: string[]): Buffer {
  rmSync(join(home, "Maildir"), { recursive: true, force: true });
  for (const d of ["cur", "new", "tmp"]) mkdirSync(join(home, "Maildir", d), { recursive: true });
  writeFileSync(join(home, "Maildir", "cur", "1.fixture:2,"), raw);
  execFileSync("chown", ["-R", "65534:65534", home]);
  const script = `a0 SELECT INBOX\r\na1 FETCH 1 (BODYSTRUCTURE ${items.join(" ")})\r\na2 LOGOUT\r\n`;
  return execFileSync(
    "setpriv",
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "env",
      `USER=test`,
      `HOME=${home}`,
      "/usr/lib/dovecot/imap",
      "-c",
      join(home, "dovecot.conf"),
    ],
    { input: script, cwd: home },
  );
}

/** Minimal IMAP response reader: atoms, quoted strings, literals and lists. */
function readValue(buf: Buffer, pos: { i: number }): unknown {
  while (buf[pos.i] === 0x20) pos.i++;
  const c = buf[pos.i];
  if (c === 0x28) {
    pos.i++;
    const list: unknown[] = [];
    while (buf[pos.i] !== 0x29) {
      list.push(readValue(buf, pos));
      while (buf[pos.i] === 0x20) pos.i++;
    }
    pos.i++;
    return list;
  }
  if (c === 0x22) {
    let s = "";
    pos.i++;
    while (buf[pos.i] !== 0x22) {
      if (buf[pos.i] === 0x5c) pos.i++;
      s += String.fromCharCode(buf[pos.i]!);
      pos.i++;
    }
    pos.i++;
    return Buffer.from(s, "latin1");
  }
  if (c === 0x7b) {
    const close = buf.indexOf("}", pos.i);
    const n = Number(buf.toString("latin1", pos.i + 1, close));
    const start = close + 3;
    pos.i = start + n;
    return buf.subarray(start, start + n);
  }
  let e = pos.i;
  while (e < buf.length && ![0x20, 0x29, 0x0d].includes(buf[e]!)) e++;
  const atom = buf.toString("latin1", pos.i, e);
  pos.i = e;
  return atom === "NIL" ? null : atom;
}

/** [part, size, lines] for every non-multipart part of a BODYSTRUCTURE, in order. */
function partSizes(
  bs: unknown[],
  prefix: string,
  out: Array<[string, number, number | null]>,
  isMessage: boolean,
): void {
  if (Array.isArray(bs[0])) {
    let n = 0;
    // Children come first; the subtype and extension data follow.
    for (const child of bs) {
      if (!Array.isArray(child)) break;
      n++;
      partSizes(child, prefix ? `${prefix}.${n}` : String(n), out, false);
    }
    return;
  }
  const part = isMessage ? (prefix ? `${prefix}.1` : "1") : prefix;
  const type = String(bs[0]).toLowerCase();
  const subtype = String(bs[1]).toLowerCase();
  const size = Number(bs[6]);
  if (type === "text") out.push([part, size, Number(bs[7])]);
  else if (type === "message" && subtype === "rfc822") {
    out.push([part, size, Number(bs[9])]);
    partSizes(bs[8] as unknown[], part, out, true);
  } else out.push([part, size, null]);
}

const golden: Record<string, Golden> = {};
for (const file of readdirSync(fixtureDir)
  .filter((f) => f.endsWith(".eml"))
  .sort()) {
  const raw = normalizeCrlf(readFileSync(join(fixtureDir, file)));
  const sections = imapSections(indexMessage(raw).mime as MimeNode);
  const out = fetchFromDovecot(
    raw,
    sections.map((s) => `BODY.PEEK[${s.section}]`),
  );
  const fetchAt = out.indexOf("* 1 FETCH (");
  const pos = { i: fetchAt + "* 1 FETCH ".length };
  const items = readValue(out, pos) as unknown[];
  const entry: Golden = { sections: {}, parts: [] };
  for (let k = 0; k < items.length; k += 2) {
    const key = String(items[k]);
    const value = items[k + 1];
    if (key === "BODYSTRUCTURE") partSizes(value as unknown[], "", entry.parts, true);
    else if (key.startsWith("BODY[")) {
      entry.sections[key.slice(5, -1)] = (value === null ? Buffer.alloc(0) : (value as Buffer)).toString(
        "base64",
      );
    }
  }
  golden[file] = entry;
  console.log(file, Object.keys(entry.sections).length, "sections");
}
writeFileSync(join(fixtureDir, "dovecot-golden.json"), `${JSON.stringify(golden, null, 1)}\n`);
rmSync(home, { recursive: true, force: true });
