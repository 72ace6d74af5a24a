/**
 * CATENATE (RFC 4469) against Dovecot: APPENDs built from URLs to the 40-message corpus (whole
 * messages, sections, partial ranges) and TEXT literals, one after another into an empty
 * mailbox on both servers, then every message made is compared byte for byte. URLs leave out
 * UIDVALIDITY, which differs between the two; replies compare by status and response code name.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDovecot } from "../support/dovecot.js";
import type { ImapReply } from "../support/imap-raw-client.js";
import { appendAll, loadFixtures } from "./fixtures.js";
import { type ServerPair, type Side, startPair } from "./pair.js";

const text = (s: string) => Buffer.from(s);

/** Each APPEND as RawImapClient.command's parts; Buffers go as `{n+}` literals. */
const SCRIPT: Array<Array<string | Buffer>> = [
  ['APPEND Cat CATENATE (URL "/INBOX/;UID=1")'],
  ['APPEND Cat CATENATE (URL "/INBOX/;UID=3/;SECTION=HEADER" TEXT ', text("\r\nA new body.\r\n"), ")"],
  ["APPEND Cat CATENATE (TEXT ", text("Subject: parts\r\n\r\n"), ' URL "/INBOX/;UID=5/;SECTION=1")'],
  [
    "APPEND Cat CATENATE (TEXT ",
    text("Subject: a range\r\n\r\n"),
    ' URL "/INBOX/;UID=7/;PARTIAL=10.50" URL "/INBOX/;UID=1/;SECTION=TEXT/;PARTIAL=3.7")',
  ],
  ['APPEND Cat CATENATE (URL "/INBOX/;UID=2/;SECTION=1.MIME" TEXT ', text("x\r\n"), ")"],
  ['APPEND Cat CATENATE (URL "/INBOX/;UID=12/;SECTION=2" URL "/INBOX/;UID=20/;SECTION=HEADER")'],
  ['APPEND Cat CATENATE (URL "/INBOX/;UID=999")'],
  ['APPEND Cat CATENATE (URL "/Nope/;UID=1")'],
  ["APPEND Cat CATENATE (TEXT ", text("Subject: one\r\n\r\n1\r\n"), ') CATENATE (URL "/INBOX/;UID=4")'],
  ["APPEND Cat CATENATE (TEXT ", text("Subject: two\r\n\r\n2\r\n"), ') CATENATE (URL "/INBOX/;UID=998")'],
];

const outcome = (reply: ImapReply) => `${reply.status} ${/^\[([A-Z-]+)/.exec(reply.text)?.[1] ?? ""}`;

describeWithDovecot("CATENATE vs Dovecot", () => {
  let pair: ServerPair;

  beforeAll(async () => {
    const fixtures = loadFixtures();
    pair = await startPair(async (client) => {
      await appendAll(client, "INBOX", fixtures);
      await client.ok("CREATE Cat");
    });
  });

  afterAll(async () => {
    await pair?.close();
  });

  it("answers every CATENATE APPEND as Dovecot does and makes the same messages", async () => {
    const diffs: string[] = [];
    for (const parts of SCRIPT) {
      const theirs = outcome(await pair.clients.dovecot.command(...parts));
      const ours = outcome(await pair.clients.sandmail.command(...parts));
      if (theirs !== ours) diffs.push(`${String(parts[0])}...\n  dovecot:  ${theirs}\n  sandmail: ${ours}`);
    }
    const bodies = {} as Record<Side, string[]>;
    for (const side of ["dovecot", "sandmail"] as const) {
      const client = pair.clients[side];
      await client.ok("SELECT Cat");
      const reply = await client.ok("UID FETCH 1:* (BODY.PEEK[])");
      bodies[side] = reply.untagged.map((b) => {
        const line = b.toString("latin1");
        const m = /BODY\[\] \{(\d+)\}\r\n/.exec(line);
        return m ? line.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1])) : line;
      });
    }
    expect(diffs).toEqual([]);
    expect(bodies.sandmail.length).toBeGreaterThan(5);
    expect(bodies.sandmail).toEqual(bodies.dovecot);
  });
});
