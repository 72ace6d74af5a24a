/**
 * BINARY (RFC 3516) against Dovecot: FETCH BINARY[part]<partial>, BINARY.SIZE and APPEND with a
 * literal8 over the 40-message corpus, plus messages whose encodings go wrong (an unknown
 * Content-Transfer-Encoding, base64 and quoted-printable with bytes their alphabet lacks) and a
 * binary message with NUL bytes appended as `~{n}`.
 *
 * Normalisations:
 * - Bodies compare by their bytes: `{n}`, `~{n}` or a quoted string is each writer's choice.
 * - Only FETCH responses carrying BINARY items (and FLAGS, without \Recent) are compared: on a
 *   NO [UNKNOWN-CTE] Dovecot still sends a bare `FETCH (UID n)` for the failing message.
 * - A failed FETCH compares by its response code.
 * - Dovecot stores a binary APPEND re-encoded as base64 (RFC 3516 §4.4 allows it), sandmail as
 *   sent: only its decoded BINARY items are compared, which are the bytes sent either way.
 * Dovecot also answers `BINARY[HEADER]`, `BINARY[1.MIME]` and a partial on BINARY.SIZE; RFC 3516
 * allows none of them and sandmail answers BAD, so they are not in the script.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Atom, Literal, type Value } from "../../src/protocol/ast.js";
import { describeWithDovecot } from "../support/dovecot.js";
import type { ImapReply } from "../support/imap-raw-client.js";
import { canonical, fetchItems, parseValues } from "../support/imap-response.js";
import { imapDateTime, loadFixtures } from "./fixtures.js";
import { type ServerPair, scriptDiffs, startPair } from "./pair.js";

const encoded = (cte: string, body: string) =>
  Buffer.from(
    `From: a@example.com\r\nSubject: ${cte}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n` +
      `Content-Transfer-Encoding: ${cte}\r\n\r\n${body}`,
  );

/** Messages 41-47: encodings beyond the corpus. */
const EXTRA = [
  encoded("x-uuencode", "begin 644 x\r\nend\r\n"),
  encoded("base64", "SGVsbG8@@@ IHdvcmxk!!\r\n=="),
  encoded("quoted-printable", "a=ZZb=\r\nc\r\n"),
  encoded("BASE64", "SGVsbG8gd29y\r\nbGQ=\r\n"),
  encoded("base64 (a comment)", "SGVsbG8=\r\n"),
  encoded("Quoted-Printable", "caf=C3=A9 =\r\nsoft=3D break \r\nend=\r\n"),
  encoded("8bit", "caf\u00e9 cr\u00e8me\r\n"),
];

/** Message 48: binary data with NULs and bare LFs, appended as literal8. */
const BINARY_MESSAGE = Buffer.concat([
  Buffer.from(
    "From: a@example.com\r\nSubject: binary\r\nMIME-Version: 1.0\r\n" +
      "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n",
  ),
  Buffer.from([0, 1, 2, 0x0a, 0x0d, 0x0a, 0xff, 0, 0x41, 0x0a]),
]);

const SCRIPT = [
  "FETCH 1:40 (BINARY.SIZE[1])",
  "FETCH 1:40 (BINARY.PEEK[1])",
  "FETCH 1:40 (BINARY.PEEK[2] BINARY.SIZE[2])",
  "FETCH 1:40 (BINARY.PEEK[] BINARY.SIZE[])",
  "FETCH 1:40 (BINARY.PEEK[1]<3.20> BINARY.PEEK[2]<0.7>)",
  "FETCH 1:40 (BINARY.PEEK[2.1] BINARY.SIZE[2.2] BINARY.PEEK[1.1])",
  "FETCH 1:40 (BINARY.PEEK[3] BINARY.SIZE[9])",
  "UID FETCH 1:* (BINARY.SIZE[1])",
  "FETCH 41 (BINARY.PEEK[1])",
  "FETCH 41 (BINARY.SIZE[1])",
  "FETCH 41 (BINARY.PEEK[])",
  "FETCH 41 (BODY.PEEK[1])",
  "FETCH 42 (BINARY.PEEK[1])",
  "FETCH 43 (BINARY.SIZE[1])",
  "FETCH 44:47 (BINARY.PEEK[1] BINARY.SIZE[1])",
  "FETCH 38:45 (BINARY.SIZE[1])",
  "FETCH 48 (BINARY.PEEK[1] BINARY.SIZE[1])",
  "FETCH 48 (BINARY.PEEK[1]<2.5>)",
  "FETCH 2 (BINARY[1])",
  "FETCH 2 (FLAGS)",
  "FETCH 1 (BINARY[1.x])",
  "FETCH 1 (BINARY.SIZE)",
];

function flagsText(value: Value): string {
  return (value as Value[])
    .map((f) => (f instanceof Atom ? f.value : canonical(f)))
    .filter((f) => f.toLowerCase() !== "\\recent")
    .sort()
    .join(" ");
}

/** Bytes exactly (as base64: a binary part is not UTF-8), however they were sent. */
function bytesText(value: Value): string {
  if (value instanceof Literal) return value.bytes.toString("base64");
  if (typeof value === "string") return Buffer.from(value, "utf8").toString("base64");
  return canonical(value);
}

/** A reply as comparable lines: status (with its code on failure), then each message's items. */
function answer(reply: ImapReply): string[] {
  const code = /^(?:NO|BAD) \[([^\]]+)\]/.exec(reply.text)?.[1];
  const lines = [reply.status === "OK" ? "OK" : `${reply.status}${code ? ` [${code}]` : ""}`];
  for (const line of reply.untagged) {
    const values = parseValues(line);
    if (!(values[1] instanceof Atom) || values[1].value.toUpperCase() !== "FETCH") continue;
    const items = [...fetchItems(values[2]!)]
      .filter(([name]) => name.startsWith("BINARY") || name === "FLAGS")
      .map(([name, value]) => `${name}=${name === "FLAGS" ? flagsText(value) : bytesText(value)}`);
    if (items.some((i) => i.startsWith("BINARY"))) lines.push(`${values[0]} ${items.sort().join(" ")}`);
    else if (items.length) lines.push(`${values[0]} ${items.join(" ")}`);
  }
  return lines;
}

describeWithDovecot("BINARY vs Dovecot", () => {
  let pair: ServerPair;

  beforeAll(async () => {
    const fixtures = loadFixtures();
    pair = await startPair(async (client) => {
      for (const f of fixtures) {
        await client.ok(`APPEND INBOX (${f.flags.join(" ")}) "${imapDateTime(f.internalDate)}" `, f.raw);
      }
      for (const raw of EXTRA) await client.ok("APPEND INBOX () ", raw);
      await client.ok("APPEND INBOX () ", { literal8: BINARY_MESSAGE });
      await client.ok("SELECT INBOX");
    });
  });

  afterAll(async () => {
    await pair?.close();
  });

  it("advertises BINARY", async () => {
    const reply = await pair.clients.sandmail.ok("CAPABILITY");
    expect(reply.untagged[0]!.toString()).toMatch(/ BINARY( |$)/);
  });

  it("answers every BINARY FETCH of the script as Dovecot does", async () => {
    expect(await scriptDiffs(pair, SCRIPT, (_command, reply) => answer(reply))).toEqual([]);
  });

  it("keeps a literal8 APPEND byte for byte and sends NULs back only in a literal8", async () => {
    const reply = await pair.clients.sandmail.ok("FETCH 48 (BINARY.PEEK[1] BODY.PEEK[])");
    const text = reply.untagged[0]!.toString("latin1");
    expect(text).toContain("BINARY[1] ~{10}\r\n");
    const items = fetchItems(parseValues(reply.untagged[0]!)[2]!);
    expect(bytesText(items.get("BODY[]")!)).toBe(BINARY_MESSAGE.toString("base64"));
    expect(bytesText(items.get("BINARY[1]")!)).toBe(BINARY_MESSAGE.subarray(-10).toString("base64"));
  });
});
