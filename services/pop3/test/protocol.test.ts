/**
 * POP3 over raw sockets: RFC 1939 commands, CAPA, STLS, AUTH PLAIN, response codes, the
 * maildrop lock, deletion semantics in the store, isolation between runs, and hostile input.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Pop3RawClient } from "./support/pop3-client.js";
import { mail, startPop3, type TestPop3 } from "./support/server.js";

let server: TestPop3;
const open: Pop3RawClient[] = [];

async function client(tls = false): Promise<Pop3RawClient> {
  const { client: c, greeting } = await Pop3RawClient.open(tls ? server.tlsPort : server.port, tls);
  expect(greeting).toMatch(/^\+OK /);
  open.push(c);
  return c;
}

async function loggedIn(address = server.address): Promise<Pop3RawClient> {
  const c = await client();
  expect(await c.command(`USER ${address}`)).toMatch(/^\+OK/);
  expect(await c.command(`PASS ${server.token}`)).toMatch(/^\+OK Logged in/);
  return c;
}

const plain = (user: string, password: string, authzid = "") =>
  Buffer.from(`${authzid}\0${user}\0${password}`).toString("base64");

beforeAll(async () => {
  server = await startPop3();
});

afterEach(async () => {
  // Each test ends its sessions (without QUIT: nothing is expunged by a test that forgets).
  for (const c of open.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

async function inbox(address = server.address) {
  const mb = await server.store.getMailbox(server.runId, address, "INBOX");
  return server.store.listMessages(server.runId, { mailboxId: mb!.id, order: "asc" });
}

async function emptyInbox(address = server.address) {
  const ids = (await inbox(address)).map((m) => m.id);
  if (ids.length) await server.store.deleteMessages(server.runId, ids);
}

describe("capabilities and login", () => {
  it("lists its capabilities, STLS only before TLS", async () => {
    const c = await client();
    const capa = await c.command("CAPA", true);
    for (const cap of [
      "TOP",
      "UIDL",
      "USER",
      "SASL PLAIN",
      "RESP-CODES",
      "AUTH-RESP-CODE",
      "PIPELINING",
      "STLS",
    ]) {
      expect(capa).toContain(`\r\n${cap}\r\n`);
    }
    expect(await c.command("STLS")).toMatch(/^\+OK/);
    await c.upgrade();
    const after = await c.command("CAPA", true);
    expect(after).toContain("\r\nUSER\r\n");
    expect(after).not.toContain("STLS");
    expect(await c.command("STLS")).toMatch(/^-ERR/);
    expect(await c.command(`USER ${server.address}`)).toMatch(/^\+OK/);
    expect(await c.command(`PASS ${server.token}`)).toMatch(/^\+OK Logged in/);

    const implicit = await client(true);
    expect(await implicit.command("CAPA", true)).not.toContain("STLS");
  });

  it("refuses wrong tokens, other runs' tokens and unknown users with -ERR [AUTH]", async () => {
    const other = await server.store.createRun({
      id: "popb",
      ttlSeconds: 3600,
      limits: { maxMessages: 100, maxBytes: 1e6 },
    });
    const c = await client();
    await c.command(`USER ${server.address}`);
    expect(await c.command("PASS wrong")).toMatch(/^-ERR \[AUTH\] /);
    await c.command(`USER ${server.address}`);
    expect(await c.command(`PASS ${other.token}`)).toMatch(/^-ERR \[AUTH\] /);
    await c.command(`USER bob@popb.${server.config.SANDMAIL_DOMAIN}`);
    expect(await c.command(`PASS ${server.token}`)).toMatch(/^-ERR \[AUTH\] /);
    expect(await c.command(`PASS ${server.token}`)).toMatch(/^-ERR USER first/);
    expect(await c.command("STAT")).toMatch(/^-ERR Log in first/);
    expect(await c.command(`AUTH PLAIN ${plain(server.address, server.token, "bob@x.test")}`)).toMatch(
      /^-ERR \[AUTH\]/,
    );
  });

  it("logs in with AUTH PLAIN, with an initial response or after a continuation", async () => {
    const a = await client();
    expect(await a.command("AUTH", true)).toContain("\r\nPLAIN\r\n");
    expect(await a.command(`AUTH PLAIN ${plain(server.address, server.token)}`)).toMatch(/^\+OK Logged in/);
    a.close();
    const b = await client();
    expect(await b.command("AUTH PLAIN")).toBe("+ \r\n");
    expect(await b.command(plain(server.address, server.token))).toMatch(/^\+OK Logged in/);
    expect(await b.command("AUTH PLAIN")).toMatch(/^-ERR Already logged in/);
    b.close();
    const c = await client();
    await c.command("AUTH PLAIN");
    expect(await c.command("*")).toMatch(/^-ERR AUTH cancelled/);
    expect(await c.command("NOOP")).toMatch(/^-ERR/);
  });
});

describe("the maildrop", () => {
  it("answers STAT, LIST, UIDL, TOP and RETR, dot-stuffing lines that begin with a dot", async () => {
    await emptyInbox();
    const body = ".starts with a dot\r\nplain line\r\n..two dots\r\nlast";
    await server.append(mail(1));
    await server.append(mail(2, body));
    const sizes = (await inbox()).map((m) => m.size);
    const c = await loggedIn();
    expect(await c.command("STAT")).toBe(`+OK 2 ${sizes[0]! + sizes[1]!}\r\n`);
    expect(await c.command("LIST", true)).toBe(`+OK 2 messages\r\n1 ${sizes[0]}\r\n2 ${sizes[1]}\r\n.\r\n`);
    expect(await c.command("LIST 2")).toBe(`+OK 2 ${sizes[1]}\r\n`);
    const uidl = await c.command("UIDL", true);
    const ids = [...uidl.matchAll(/^(\d+) (\S+)$/gm)].map((m) => m[2]);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(await c.command("UIDL 1")).toBe(`+OK 1 ${ids[0]}\r\n`);

    const retr = await c.command("RETR 2", true);
    expect(retr).toMatch(/^\+OK \d+ octets\r\n/);
    expect(retr).toContain("\r\n\r\n..starts with a dot\r\nplain line\r\n...two dots\r\nlast\r\n.\r\n");
    const top = await c.command("TOP 2 1", true);
    expect(top).toMatch(/Subject: Message 2\r\n\r\n\.\.starts with a dot\r\n\.\r\n$/);
    expect(await c.command("TOP 2 0", true)).toMatch(/Subject: Message 2\r\n\r\n\.\r\n$/);

    // RETR marks the message read, as the API and IMAP then show it; TOP does not.
    const [first, second] = await inbox();
    expect(second!.flags).toContain("\\Seen");
    expect(first!.flags).not.toContain("\\Seen");

    // The same unique ids in the next session.
    c.close();
    const again = await loggedIn();
    expect(await again.command("UIDL", true)).toBe(uidl);
  });

  it("DELE flags \\Deleted at once, RSET takes it back, QUIT expunges from the store", async () => {
    await emptyInbox();
    for (const n of [1, 2, 3]) await server.append(mail(n));
    const c = await loggedIn();
    expect(await c.command("DELE 2")).toMatch(/^\+OK/);
    expect(await c.command("DELE 2")).toMatch(/^-ERR No such message/);
    expect(await c.command("RETR 2")).toMatch(/^-ERR No such message/);
    expect(await c.command("LIST", true)).toMatch(/^\+OK 2 messages\r\n1 \d+\r\n3 \d+\r\n\.\r\n$/);
    expect((await inbox())[1]!.flags).toContain("\\Deleted");
    expect(await c.command("RSET")).toBe("+OK 3 messages\r\n");
    expect((await inbox())[1]!.flags).not.toContain("\\Deleted");

    expect(await c.command("DELE 1")).toMatch(/^\+OK/);
    expect(await c.command("DELE 3")).toMatch(/^\+OK/);
    expect(await c.command("QUIT")).toMatch(/^\+OK .*2 messages deleted/);
    expect((await inbox()).map((m) => m.summary.subject)).toEqual(["Message 2"]);
  });

  it("a session that ends without QUIT deletes nothing and takes back its \\Deleted", async () => {
    await emptyInbox();
    await server.append(mail(1));
    const c = await loggedIn();
    await c.command("DELE 1");
    expect((await inbox())[0]!.flags).toContain("\\Deleted");
    c.close();
    await expect.poll(async () => (await inbox())[0]?.flags ?? ["gone"]).toEqual([]);
  });

  it("gives a second session on the same maildrop -ERR [IN-USE], and frees it after QUIT", async () => {
    const first = await loggedIn();
    const second = await client();
    await second.command(`USER ${server.address}`);
    expect(await second.command(`PASS ${server.token}`)).toMatch(/^-ERR \[IN-USE\] /);
    // Another inbox of the run is another maildrop.
    await loggedIn(`carol@popa.${server.config.SANDMAIL_DOMAIN}`);
    await first.command("QUIT");
    await first.closedByServer();
    await second.command(`USER ${server.address}`);
    expect(await second.command(`PASS ${server.token}`)).toMatch(/^\+OK Logged in/);
  });

  it("keeps one inbox's mail from another's session", async () => {
    await emptyInbox();
    const dave = `dave@popa.${server.config.SANDMAIL_DOMAIN}`;
    await server.store.ensureInbox(server.runId, dave);
    await server.append(mail(9), dave);
    const c = await loggedIn();
    expect(await c.command("STAT")).toBe("+OK 0 0\r\n");
    const d = await loggedIn(dave);
    expect(await d.command("STAT")).toMatch(/^\+OK 1 /);
  });
});

describe("hostile input", () => {
  it("answers broken commands with -ERR and keeps the session", async () => {
    const c = await loggedIn();
    for (const line of [
      "",
      "RETR",
      "RETR x",
      "RETR 0",
      "RETR 99999999999",
      "TOP 1",
      "TOP 1 -1",
      "LIST 1 2",
      "BOGUS",
    ]) {
      expect(await c.command(line), line).toMatch(/^-ERR /);
    }
    expect(await c.command("\u0000\u00ff\u0016")).toMatch(/^-ERR /);
    expect(await c.command("NOOP")).toBe("+OK\r\n");
  });

  it("bounds the line length: an endless line is answered once and the session goes on", async () => {
    const c = await loggedIn();
    c.write("X".repeat(64 * 1024));
    c.write(`${"Y".repeat(64 * 1024)}\r\n`);
    expect(await c.reply(false)).toMatch(/^-ERR Line too long/);
    expect(await c.command("NOOP")).toBe("+OK\r\n");
  });

  it("answers pipelined commands in order", async () => {
    await emptyInbox();
    await server.append(mail(1));
    const c = await loggedIn();
    c.write("STAT\r\nLIST\r\nUIDL 1\r\nNOOP\r\n");
    expect(await c.reply(false)).toMatch(/^\+OK 1 /);
    expect(await c.reply(true)).toMatch(/^\+OK 1 messages/);
    expect(await c.reply(false)).toMatch(/^\+OK 1 /);
    expect(await c.reply(false)).toBe("+OK\r\n");
  });

  it("ends a session that sends nothing but errors before login (another protocol)", async () => {
    const c = await client();
    c.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4));
    expect(await c.closedByServer()).toBe(true);
  });

  it("does not run commands pipelined behind STLS in clear text", async () => {
    const c = await client();
    c.write(`STLS\r\nUSER ${server.address}\r\n`);
    expect(await c.reply(false)).toMatch(/^\+OK Begin TLS/);
    await c.upgrade();
    // USER was thrown away: PASS now has no user.
    expect(await c.command(`PASS ${server.token}`)).toMatch(/^-ERR USER first/);
  });
});
