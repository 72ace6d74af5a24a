/**
 * IMAP4rev2 (RFC 9051) over the raw protocol: advertised beside IMAP4rev1, switched on per session
 * by `ENABLE IMAP4rev2`, and each behaviour that differs from rev1 checked against a rev1 session
 * doing the same, so every test fails if the session ignores what was enabled. Dovecot 2.3 has no
 * IMAP4rev2 (it answers `ENABLE IMAP4rev2` with an empty OK), so RFC 9051's text is the oracle.
 */
import type { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imapflowClient } from "./support/imapflow-client.js";
import { must } from "./support/imapflow-result.js";
import { RawClient } from "./support/raw-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(() => server.close());

/** RawClient writes commands as UTF-8 and keeps replies as latin1 text: one char per byte. */
const utf8 = (latin1: string) => Buffer.from(latin1, "latin1").toString("utf8");

async function session(rev2: boolean): Promise<RawClient> {
  const c = await RawClient.open(server.port);
  expect(await c.command(`LOGIN ${server.address} ${server.token}`)).toMatch(/OK/);
  if (rev2) expect(await c.command("ENABLE IMAP4rev2")).toMatch(/^\* ENABLED IMAP4rev2\r\n/);
  return c;
}

/** A mailbox of its own per test, filled with `n` messages nobody has selected yet (all \Recent). */
async function freshMailbox(name: string, n: number, flags?: string[]): Promise<Buffer[]> {
  await server.store.createMailbox(server.runId, server.address, name);
  const raws = Array.from({ length: n }, (_, i) => message(i + 1, { subject: `${name} ${i + 1}` }));
  await seed(server, raws, { mailbox: name, ...(flags ? { flags } : {}) });
  return raws;
}

/** What a rev1 session (no ENABLE) answers to `command` in `mailbox`: the behaviour rev2 changes. */
async function rev1Answer(mailbox: string, command: string): Promise<string> {
  const c = await session(false);
  const select = await c.command(`SELECT ${mailbox}`);
  const reply = command === "SELECT" ? select : await c.command(command);
  c.close();
  return reply;
}

const untaggedLines = (reply: string) => reply.split("\r\n").filter((l) => l.startsWith("* "));

describe("IMAP4rev2 (RFC 9051)", () => {
  it("is advertised beside IMAP4rev1 and enabled once per session, by any case of its name", async () => {
    const c = await RawClient.open(server.port);
    expect(await c.command("CAPABILITY")).toMatch(/^\* CAPABILITY IMAP4rev1 IMAP4rev2 /);
    expect(await c.command(`LOGIN ${server.address} ${server.token}`)).toMatch(/OK/);
    expect(await c.command("CAPABILITY")).toMatch(/ STATUS=SIZE[ \r]/);
    expect(await c.command("ENABLE imap4REV2 CONDSTORE")).toMatch(/^\* ENABLED IMAP4rev2 CONDSTORE\r\n/);
    expect(await c.command("ENABLE IMAP4rev2")).toMatch(/^\* ENABLED\r\n/);
    c.close();
  });

  it("SELECT sends no RECENT and no UNSEEN code, and a LIST line for the mailbox", async () => {
    await freshMailbox("Sel1", 2);
    await freshMailbox("Sel2", 2);
    const before = await rev1Answer("Sel1", "SELECT");
    expect(before).toContain("* 2 RECENT\r\n");
    expect(before).toContain("* OK [UNSEEN 1]");
    expect(before).not.toContain("* LIST");

    const c = await session(true);
    const reply = await c.command("SELECT Sel2");
    expect(reply).toContain("* 2 EXISTS\r\n");
    expect(reply).not.toMatch(/RECENT/);
    expect(reply).not.toMatch(/UNSEEN/);
    expect(reply).toContain('* LIST (\\HasNoChildren) "/" "Sel2"\r\n');
    expect(reply).toMatch(/OK \[UIDVALIDITY \d+\]/);
    expect(reply).toMatch(/OK \[UIDNEXT 3\]/);
    expect(reply).toMatch(/^t\d+ OK \[READ-WRITE\]/m);
    // The special-use attributes and children, as LIST answers them; OLDNAME for INBOX written otherwise.
    expect(await c.command("EXAMINE Sent")).toContain('* LIST (\\HasNoChildren \\Sent) "/" "Sent"\r\n');
    expect(await c.command("CREATE Sel2/Child")).toMatch(/^t\d+ OK/m);
    expect(await c.command("SELECT inbox")).toContain(
      '* LIST (\\HasNoChildren) "/" "INBOX" ("OLDNAME" ("inbox"))\r\n',
    );
    expect(await c.command("SELECT Sel2")).toContain('* LIST (\\HasChildren) "/" "Sel2"\r\n');
    c.close();
  });

  it("shows no \\Recent in FETCH, STORE or unsolicited FLAGS, nor a RECENT for new mail", async () => {
    await freshMailbox("Rec1", 2);
    await freshMailbox("Rec2", 2);
    expect(await rev1Answer("Rec1", "FETCH 1 FLAGS")).toContain("* 1 FETCH (FLAGS (\\Recent))");

    const c = await session(true);
    await c.command("SELECT Rec2");
    const fetched = await c.command("FETCH 1:2 (UID FLAGS)");
    expect(fetched).toContain("* 1 FETCH (UID 1 FLAGS ())\r\n");
    expect(fetched).toContain("* 2 FETCH (UID 2 FLAGS ())\r\n");
    // Not a FLAGS-only FETCH: the per-message path, with ENVELOPE read from the message.
    expect(await c.command("FETCH 1 (FLAGS ENVELOPE)")).toMatch(/^\* 1 FETCH \(FLAGS \(\) ENVELOPE /m);
    // $Forwarded and other keywords are fine; the keyword is announced in FLAGS first.
    const stored = await c.command("STORE 1 +FLAGS ($Forwarded)");
    expect(stored).toMatch(/^\* FLAGS \(.*\$Forwarded\)\r\n/m);
    expect(stored).toContain("* 1 FETCH (FLAGS ($Forwarded))\r\n");
    // New mail while selected: EXISTS, no RECENT, and its flags without \Recent.
    await seed(server, [message(3)], { mailbox: "Rec2" });
    const noop = await c.command("NOOP");
    expect(noop).toContain("* 3 EXISTS\r\n");
    expect(noop).not.toMatch(/RECENT/);
    expect(await c.command("FETCH 3 FLAGS")).toContain("* 3 FETCH (FLAGS ())\r\n");
    c.close();
  });

  it("answers SEARCH and UID SEARCH with ESEARCH, tagged, never the SEARCH response", async () => {
    await freshMailbox("Srch", 3, ["\\Seen"]);
    expect(await rev1Answer("Srch", "SEARCH ALL")).toContain("* SEARCH 1 2 3\r\n");

    const c = await session(true);
    await c.command("SELECT Srch");
    expect(untaggedLines(await c.command("SEARCH ALL", "s1"))).toEqual(['* ESEARCH (TAG "s1") ALL 1:3']);
    expect(untaggedLines(await c.command("UID SEARCH 2:*", "s2"))).toEqual([
      '* ESEARCH (TAG "s2") UID ALL 2:3',
    ]);
    // Nothing found: still one ESEARCH, with the tag only.
    expect(untaggedLines(await c.command("SEARCH UNSEEN", "s3"))).toEqual(['* ESEARCH (TAG "s3")']);
    // RETURN options work as before; SAVE alone answers nothing and `$` holds the result.
    expect(untaggedLines(await c.command("SEARCH RETURN (MIN COUNT) SEEN", "s4"))).toEqual([
      '* ESEARCH (TAG "s4") MIN 1 COUNT 3',
    ]);
    expect(untaggedLines(await c.command("SEARCH RETURN (SAVE) 2", "s5"))).toEqual([]);
    expect(untaggedLines(await c.command("UID SEARCH $", "s6"))).toEqual(['* ESEARCH (TAG "s6") UID ALL 2']);
    c.close();
  });

  it("STATUS answers SIZE and DELETED (and SIZE for rev1 too, as STATUS=SIZE)", async () => {
    const raws = await freshMailbox("Sizes", 3);
    const total = raws.reduce((n, r) => n + r.length, 0);
    const c = await session(true);
    await c.command("SELECT Sizes");
    await c.command("STORE 2 +FLAGS.SILENT (\\Deleted)");
    await c.command("UNSELECT");
    expect(await c.command("STATUS Sizes (MESSAGES SIZE DELETED)")).toContain(
      `* STATUS "Sizes" (MESSAGES 3 SIZE ${total} DELETED 1)\r\n`,
    );
    // LIST-STATUS takes the same items.
    expect(await c.command('LIST "" Sizes RETURN (STATUS (SIZE))')).toContain(
      `* STATUS "Sizes" (SIZE ${total})\r\n`,
    );
    c.close();
    expect(await rev1Answer("Sizes", "STATUS Sizes (SIZE)")).toContain(
      `* STATUS "Sizes" (SIZE ${total})\r\n`,
    );
  });

  it("takes and sends mailbox names as UTF-8, `&` included, where rev1 sees modified UTF-7", async () => {
    const c = await session(true);
    expect(await c.command('CREATE "Tom & Jerry/Café"')).toMatch(/^t\d+ OK/m);
    const listed = utf8(await c.command('LIST "" "Tom*"'));
    expect(listed).toContain('* LIST (\\HasChildren) "/" "Tom & Jerry"\r\n');
    expect(listed).toContain('* LIST (\\HasNoChildren) "/" "Tom & Jerry/Café"\r\n');
    expect(utf8(await c.command('STATUS "Tom & Jerry/Café" (MESSAGES)'))).toContain(
      '* STATUS "Tom & Jerry/Café" (MESSAGES 0)\r\n',
    );
    expect(utf8(await c.command('SELECT "Tom & Jerry/Café"'))).toContain(
      '* LIST (\\HasNoChildren) "/" "Tom & Jerry/Café"\r\n',
    );
    // A modified UTF-7 name is just a name here: `&AOk-` is not decoded.
    expect(await c.command('STATUS "Tom &- Jerry/Caf&AOk-" (MESSAGES)')).toMatch(/^t\d+ NO \[NONEXISTENT\]/m);
    c.close();
    const rev1 = await session(false);
    expect(await rev1.command('LIST "" "Tom*"')).toContain('"/" "Tom &- Jerry/Caf&AOk-"\r\n');
    rev1.close();
  });

  it("answers CREATE and RENAME of a name it normalizes with LIST ... OLDNAME, only under rev2", async () => {
    const rev1 = await session(false);
    expect(untaggedLines(await rev1.command("CREATE inbox/One"))).toEqual([]);
    rev1.close();
    const c = await session(true);
    expect(untaggedLines(await c.command("CREATE inbox/Two"))).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX/Two" ("OLDNAME" ("inbox/Two"))',
    ]);
    expect(untaggedLines(await c.command("CREATE Three/"))).toEqual([]);
    expect(untaggedLines(await c.command("RENAME INBOX/Two inbox/Four"))).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX/Four" ("OLDNAME" ("inbox/Four"))',
    ]);
    expect(untaggedLines(await c.command("RENAME INBOX/Four INBOX/Five"))).toEqual([]);
    c.close();
  });

  it("names the run view's mailboxes as they are listed, with OLDNAME for another spelling", async () => {
    const c = await RawClient.open(server.port);
    expect(await c.command(`LOGIN ${server.runId} ${server.token}`)).toMatch(/OK/);
    expect(await c.command("ENABLE IMAP4rev2")).toMatch(/ENABLED IMAP4rev2/);
    const shouted = server.address.toUpperCase();
    expect(await c.command(`CREATE "${server.address}/INBOX/RunView"`)).toMatch(/^t\d+ OK/m);
    expect(await c.command(`SELECT "${shouted}/inbox"`)).toContain(
      `* LIST (\\HasChildren) "/" "${server.address}/INBOX" ("OLDNAME" ("${shouted}/inbox"))\r\n`,
    );
    // The address level is a level of the hierarchy that cannot be selected, as for rev1.
    expect(await c.command('LIST "" "%"')).toContain(
      `* LIST (\\Noselect \\HasChildren) "/" "${server.address}"\r\n`,
    );
    c.close();
  });

  it("fetches BINARY sections decoded", async () => {
    const body = Buffer.from("binary \x00\x01 body\r\n", "latin1");
    const raw = Buffer.from(
      "From: a@example.com\r\nSubject: bin\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n" +
        `Content-Transfer-Encoding: base64\r\n\r\n${body.toString("base64")}\r\n`,
    );
    await server.store.createMailbox(server.runId, server.address, "Bin");
    await seed(server, [raw], { mailbox: "Bin" });
    const c = await session(true);
    await c.command("SELECT Bin");
    const reply = await c.command("FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])");
    expect(reply).toContain(
      `BINARY.SIZE[1] ${body.length} BINARY[1] ~{${body.length}}\r\n${body.toString("latin1")})`,
    );
    c.close();
  });

  it("UNSELECT keeps \\Deleted messages, CLOSE expunges them silently, reselecting says [CLOSED]", async () => {
    await freshMailbox("Close1", 3);
    const c = await session(true);
    await c.command("SELECT Close1");
    await c.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
    const reselect = await c.command("SELECT Close1");
    expect(reselect).toMatch(/^\* OK \[CLOSED\]/);
    expect(reselect).toContain("* 3 EXISTS\r\n");
    expect(await c.command("UNSELECT")).toMatch(/^t\d+ OK/m);
    expect(await c.command("FETCH 1 FLAGS")).toMatch(/^t\d+ BAD/m);
    expect(await c.command("SELECT Close1")).toContain("* 3 EXISTS\r\n");
    const closed = await c.command("CLOSE");
    expect(closed).not.toMatch(/EXPUNGE/);
    expect(closed).toMatch(/^t\d+ OK/m);
    expect(await c.command("STATUS Close1 (MESSAGES)")).toContain('* STATUS "Close1" (MESSAGES 2)\r\n');
    expect(await c.command("LOGOUT")).toMatch(/^\* BYE /);
    c.close();
  });
});

describe("IMAP4rev2 with imapflow", () => {
  it("is enabled by imapflow, which then lists, searches, fetches and reads STATUS SIZE", async () => {
    const raws = await freshMailbox("Flow", 3);
    const c = imapflowClient(server);
    try {
      await c.connect();
      expect([...(c.enabled as Set<string>)]).toContain("IMAP4REV2");
      const list = await c.list();
      expect(list.map((m) => m.path)).toContain("Flow");
      const status = must(
        await c.status("Flow", { messages: true, size: true } as Parameters<ImapFlow["status"]>[1]),
      );
      expect(status.messages).toBe(3);
      expect((status as { size?: number }).size).toBe(raws.reduce((n, r) => n + r.length, 0));
      const lock = await c.getMailboxLock("Flow");
      try {
        expect(must(await c.search({ subject: "Flow 2" }, { uid: true }))).toEqual([2]);
        const got = await c.fetchOne("3", { source: true, flags: true }, { uid: true });
        expect(got ? got.source?.equals(raws[2]!) : undefined).toBe(true);
        expect(got ? [...(got.flags ?? [])] : undefined).toEqual([]);
      } finally {
        lock.release();
      }
    } finally {
      await c.logout().catch(() => c.close());
    }
  });
});
