/**
 * CATENATE (RFC 4469) over the raw protocol: messages made of TEXT literals and URLs naming
 * messages, sections and partial ranges of the same login's mailboxes; a URL that names nothing
 * readable (another run's mail included) fails the whole APPEND, MULTIAPPEND too.
 */
import { indexMessage } from "@sandmail/mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawClient } from "./support/raw-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let c: RawClient;
let uidValidity: number;

const headerOf = (raw: Buffer) => raw.subarray(0, raw.indexOf("\r\n\r\n") + 4);
const textOf = (raw: Buffer) => raw.subarray(raw.indexOf("\r\n\r\n") + 4);

beforeAll(async () => {
  server = await startServer();
  await seed(server, [message(1), message(2)]);
  // Another run's mail, under a folder name run A does not have.
  const other = await server.store.createRun({
    id: "runb",
    ttlSeconds: 3600,
    limits: { maxMessages: 100, maxBytes: 1e7 },
  });
  const bob = `bob@runb.${server.config.SANDMAIL_DOMAIN}`;
  await server.store.ensureInbox(other.id, bob);
  await server.store.createMailbox(other.id, bob, "Secret");
  const secret = message(9, { subject: "Run B only" });
  await server.store.appendMessage(other.id, {
    address: bob,
    mailbox: "Secret",
    raw: secret,
    meta: indexMessage(secret),
  });
  c = await RawClient.open(server.port);
  expect(await c.command(`LOGIN ${server.address} ${server.token}`)).toMatch(/OK/);
  const selected = await c.command("SELECT INBOX");
  uidValidity = Number(/UIDVALIDITY (\d+)/.exec(selected)![1]);
});

afterAll(async () => {
  c.close();
  await server.close();
});

/** Sends an APPEND whose `{n+}` literals are the given texts, spliced where `%s` stands. */
async function append(line: string, texts: string[] = []): Promise<string> {
  let i = 0;
  const wire = line.replace(/%s/g, () => {
    const t = texts[i++]!;
    return `{${Buffer.byteLength(t)}+}\r\n${t}`;
  });
  return c.command(wire);
}

async function body(uid: number): Promise<string> {
  const reply = await c.command(`UID FETCH ${uid} (BODY.PEEK[])`);
  const m = /BODY\[\] \{(\d+)\}\r\n/.exec(reply);
  if (!m) throw new Error(`no body in ${reply}`);
  const start = m.index + m[0].length;
  return reply.slice(start, start + Number(m[1]));
}

async function inbox(): Promise<{ messages: number; uidNext: number }> {
  const m = /MESSAGES (\d+) UIDNEXT (\d+)/.exec(await c.command("STATUS INBOX (MESSAGES UIDNEXT)"))!;
  return { messages: Number(m[1]), uidNext: Number(m[2]) };
}

describe("CATENATE", () => {
  it("is advertised", async () => {
    expect(await c.command("CAPABILITY")).toMatch(/ CATENATE[ \r]/);
  });

  it("builds a message from a header section, a text literal and another message's body", async () => {
    const middle = "X-Added: by CATENATE\r\n\r\n";
    const reply = await append(
      `APPEND INBOX (\\Seen) CATENATE (URL "/INBOX;UIDVALIDITY=${uidValidity}/;UID=1/;SECTION=HEADER" TEXT %s URL "/INBOX/;UID=2/;SECTION=TEXT")`,
      [middle],
    );
    expect(reply).toMatch(new RegExp(`OK \\[APPENDUID ${uidValidity} 3\\]`));
    const header = headerOf(message(1)).toString("latin1");
    expect(await body(3)).toBe(header + middle + textOf(message(2)).toString("latin1"));
  });

  it("takes a partial range and a whole message", async () => {
    const reply = await append(
      `APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;PARTIAL=0.20" TEXT %s URL "/INBOX/;UID=2")`,
      ["\r\n--\r\n"],
    );
    const uid = Number(/APPENDUID \d+ (\d+)/.exec(reply)![1]);
    expect(await body(uid)).toBe(
      `${message(1).subarray(0, 20).toString("latin1")}\r\n--\r\n${message(2).toString("latin1")}`,
    );
  });

  it("refuses a URL that names nothing readable, and stores nothing, MULTIAPPEND included", async () => {
    const before = await inbox();
    const refused = [
      `URL "/INBOX/;UID=99"`,
      `URL "/INBOX;UIDVALIDITY=${uidValidity + 1}/;UID=1"`,
      // Run B's folder: not a name of this login.
      `URL "/Secret/;UID=1"`,
      `URL "imap://bob@runb.${server.config.SANDMAIL_DOMAIN}/Secret/;UID=1"`,
      `URL "/INBOX/;UID=1/;SECTION=HEADER.FIELDS%20(From)"`,
    ];
    for (const url of refused) {
      const reply = await append(`APPEND INBOX CATENATE (TEXT %s) CATENATE (TEXT %s ${url})`, [
        "a\r\n",
        "b\r\n",
      ]);
      expect(reply, url).toMatch(/ NO \[BADURL [^\]]+\]/);
    }
    expect(await inbox()).toEqual(before);
    const both = await append(`APPEND INBOX CATENATE (TEXT %s) (\\Flagged) CATENATE (URL "/INBOX/;UID=2")`, [
      "Subject: one\r\n\r\nx\r\n",
    ]);
    expect(both).toMatch(
      new RegExp(`OK \\[APPENDUID ${uidValidity} ${before.uidNext}:${before.uidNext + 1}\\]`),
    );
  });

  it("answers BAD for broken syntax and keeps the connection", async () => {
    expect(await c.command("APPEND INBOX CATENATE ()")).toMatch(/ BAD /);
    expect(await c.command("APPEND INBOX CATENATE (URL)")).toMatch(/ BAD /);
    expect(await c.command('APPEND INBOX CATENATE (BODY "x")')).toMatch(/ BAD /);
    expect(await c.command("NOOP")).toMatch(/OK/);
  });

  it("bounds what URLs pull in: a message by APPENDLIMIT, a whole MULTIAPPEND by the command limit", async () => {
    const small = await startServer({}, { SANDMAIL_MAX_MESSAGE_BYTES: "600000" });
    try {
      await seed(small, [message(1, { body: "y".repeat(500_000) })]);
      const s = await RawClient.open(small.port);
      await s.command(`LOGIN ${small.address} ${small.token}`);
      const url = 'URL "/INBOX/;UID=1"';
      expect(await s.command(`APPEND INBOX CATENATE (${url})`)).toMatch(/OK \[APPENDUID/);
      expect(await s.command(`APPEND INBOX CATENATE (${url} ${url})`)).toMatch(/NO \[TOOBIG\]/);
      const four = Array(4).fill(`CATENATE (${url})`).join(" ");
      expect(await s.command(`APPEND INBOX ${four}`)).toMatch(/NO \[TOOBIG\]/);
      expect(await s.command("STATUS INBOX (MESSAGES)")).toContain("(MESSAGES 2)");
      s.close();
    } finally {
      await small.close();
    }
  });
});
