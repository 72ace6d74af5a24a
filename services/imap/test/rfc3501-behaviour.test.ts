/**
 * Base RFC 3501 behaviours where sandmail once differed from the RFC and from Dovecot (each
 * checked against Dovecot 2.3 by hand, over raw sockets): astring mailbox names with brackets,
 * keyword announcements, \Recent across sessions, LSUB's \Noselect parents, modified UTF-7.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawClient } from "./support/raw-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
const open: RawClient[] = [];

async function loggedIn(): Promise<RawClient> {
  const c = await RawClient.open(server.port);
  open.push(c);
  expect(await c.command(`LOGIN ${server.address} ${server.token}`)).toMatch(/OK/);
  return c;
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of open) c.close();
  await server.close();
});

describe("mailbox names that are atoms with brackets and braces", () => {
  it("answers NO for a missing one, and LIST with such a pattern keeps the connection", async () => {
    const c = await loggedIn();
    expect(await c.command("SELECT foo[bar")).toMatch(/^t\d+ NO \[NONEXISTENT\]/m);
    expect(await c.command("STATUS a]b} (MESSAGES)")).toMatch(/^t\d+ NO /m);
    expect(await c.command('CREATE "x[y]}"')).toMatch(/OK CREATE/);
    for (const pattern of ["x[%*", "x[y]}%*", "x[y]%*", "[%*", "x%[*"]) {
      const reply = await c.command(`LIST "" ${pattern}`);
      expect(reply, pattern).toMatch(/^t\d+ OK LIST/m);
      if (pattern !== "[%*") expect(reply, pattern).toContain('* LIST (\\HasNoChildren) "/" "x[y]}"');
    }
    expect(await c.command("SELECT x[y]}")).toMatch(/OK \[READ-WRITE\]/);
    expect(await c.command("NOOP")).toMatch(/OK NOOP/);
    expect(c.closed).toBe(false);
  });

  it("still reads fetch sections as sections", async () => {
    await seed(server, [message(1)], { mailbox: "x[y]}" });
    const c = await loggedIn();
    await c.command("SELECT x[y]}");
    const reply = await c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[1]<0.5>)");
    expect(reply).toContain("BODY[HEADER.FIELDS (SUBJECT)] {22}\r\nSubject: Message 1\r\n\r\n");
    expect(reply).toContain("BODY[1]<0> {5}\r\nHello");
    expect(await c.command("FETCH 1 BODY[1")).toMatch(/^t\d+ BAD/m);
  });
});

describe("keywords are announced before they are used", () => {
  it("sends FLAGS and PERMANENTFLAGS before the first FETCH that shows a new keyword", async () => {
    await server.store.createMailbox(server.runId, server.address, "Kw");
    await seed(server, [message(1), message(2)], { mailbox: "Kw" });
    const c = await loggedIn();
    const other = await loggedIn();
    await c.command("SELECT Kw");
    await other.command("SELECT Kw");

    const stored = await c.command("STORE 1 +FLAGS ($keyword1)");
    const flagsAt = stored.indexOf("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $keyword1)");
    const permanentAt = stored.indexOf(
      "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $keyword1 \\*)]",
    );
    const fetchAt = stored.search(/\* 1 FETCH \(FLAGS \([^)]*\$keyword1/);
    expect(flagsAt).toBeGreaterThanOrEqual(0);
    expect(permanentAt).toBeGreaterThan(flagsAt);
    expect(fetchAt).toBeGreaterThan(permanentAt);
    // Known now: no second announcement.
    expect(await c.command("STORE 2 +FLAGS ($keyword1)")).not.toContain("* FLAGS");

    // The other session learns of it from the change, and is told of the keyword first.
    const noop = await other.command("NOOP");
    expect(noop.indexOf("* FLAGS (")).toBeGreaterThanOrEqual(0);
    expect(noop.indexOf("* FLAGS (")).toBeLessThan(noop.indexOf("FETCH"));
    expect(noop).toContain("$keyword1");

    // .SILENT still announces; a COPY brings a keyword the destination's session meets on FETCH.
    expect(await c.command("STORE 1 +FLAGS.SILENT ($keyword2)")).toContain("$keyword2 \\*)]");
    await server.store.createMailbox(server.runId, server.address, "Kw2");
    const dest = await loggedIn();
    await dest.command("SELECT Kw2");
    expect(await c.command("COPY 1 Kw2")).toMatch(/OK \[COPYUID/);
    await dest.command("NOOP");
    const fetched = await dest.command("FETCH 1 FLAGS");
    expect(fetched.indexOf("* FLAGS (")).toBeGreaterThanOrEqual(0);
    expect(fetched.indexOf("* FLAGS (")).toBeLessThan(fetched.indexOf("* 1 FETCH"));
  });
});

describe("\\Recent", () => {
  it("is counted by STATUS and EXAMINE without claiming, and shown by FETCH FLAGS", async () => {
    await server.store.createMailbox(server.runId, server.address, "Src");
    await server.store.createMailbox(server.runId, server.address, "Dest");
    await seed(server, [message(1), message(2)], { mailbox: "Src" });
    const a = await loggedIn();
    const b = await loggedIn();
    expect(await a.command("SELECT Src")).toContain("* 2 RECENT");
    expect(await a.command("FETCH 1:* FLAGS")).toMatch(
      /\* 1 FETCH \(FLAGS \(\\Recent\)\)\r\n\* 2 FETCH \(FLAGS \(\\Recent\)\)/,
    );
    // a claimed them: nobody else sees them as recent.
    expect(await b.command("STATUS Src (RECENT MESSAGES)")).toContain("(RECENT 0 MESSAGES 2)");

    // Copied into a mailbox no session has selected: recent for whoever looks first.
    expect(await a.command("COPY 1:2 Dest")).toMatch(/OK \[COPYUID/);
    expect(await b.command("STATUS Dest (RECENT)")).toContain("(RECENT 2)");
    expect(await b.command("EXAMINE Dest")).toContain("* 2 RECENT");
    expect(await b.command("FETCH 1:* FLAGS")).toContain("* 2 FETCH (FLAGS (\\Recent))");
    // EXAMINE claimed nothing: SELECT still gets them.
    expect(await b.command("STATUS Dest (RECENT)")).toContain("(RECENT 2)");
    expect(await b.command("SELECT Dest")).toContain("* 2 RECENT");
    expect(await b.command("FETCH 1 FLAGS")).toContain("* 1 FETCH (FLAGS (\\Recent))");
    expect(await a.command("STATUS Dest (RECENT)")).toContain("(RECENT 0)");

    // A later arrival seen by the selecting session is recent there, and in STORE replies too.
    await seed(server, [message(3)], { mailbox: "Dest" });
    expect(await b.command("NOOP")).toMatch(/\* 3 EXISTS\r\n\* 3 RECENT/);
    expect(await b.command("STORE 3 +FLAGS (\\Flagged)")).toContain("* 3 FETCH (FLAGS (\\Flagged \\Recent))");
  });
});

describe("LSUB", () => {
  it("lists the unsubscribed parent of a subscribed name as \\Noselect where % stops", async () => {
    const c = await loggedIn();
    await c.command("CREATE p/c");
    await c.command("SUBSCRIBE p/c");
    const top = await c.command('LSUB "" %');
    expect(top).toContain('* LSUB (\\Noselect) "/" "p"');
    expect(top).not.toContain('"p/c"');
    expect(await c.command('LSUB "" *')).toContain('"p/c"');
    await c.command("SUBSCRIBE p");
    expect(await c.command('LSUB "" %')).not.toContain("\\Noselect");
    await c.command("UNSUBSCRIBE p");
    await c.command("CREATE q/r/s");
    await c.command("SUBSCRIBE q/r/s");
    expect(await c.command('LSUB "" q/%')).toContain('* LSUB (\\Noselect) "/" "q/r"');
  });
});

describe("CREATE and modified UTF-7", () => {
  it("refuses names that are not valid modified UTF-7 with NO, as Dovecot does", async () => {
    const c = await loggedIn();
    for (const name of ["&Jjo!", "&AGEAYgBj", "&", "&AGE-"]) {
      expect(await c.command(`CREATE "${name}"`), name).toMatch(/^t\d+ NO /m);
    }
    expect(await c.command('LIST "" "&*"')).not.toMatch(/\* LIST/);
    expect(await c.command('CREATE "Entw&APw-rfe"')).toMatch(/OK CREATE/);
    expect(await c.command('CREATE "A &- B"')).toMatch(/OK CREATE/);
    const list = await c.command('LIST "" *');
    expect(list).toContain('"Entw&APw-rfe"');
    expect(list).toContain('"A &- B"');
    expect((await server.store.listMailboxes(server.runId, server.address)).map((m) => m.name)).toContain(
      "Entwürfe",
    );
  });
});
