/**
 * MULTIAPPEND (RFC 3502) over a socket: several messages in one APPEND are stored together with
 * one APPENDUID set, and one bad message (empty, too large, a bad date-time, over the run's
 * quota) stores none of them while the connection goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawImapClient } from "./support/imap-raw-client.js";
import { message, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let client: RawImapClient;

async function login(user = server.address, pass = server.token): Promise<RawImapClient> {
  const c = await RawImapClient.connect("127.0.0.1", server.port);
  await c.ok(`LOGIN "${user}" "${pass}"`);
  return c;
}

const count = async (mailbox = "Drafts") =>
  (await server.store.getMailbox(server.runId, server.address, mailbox))?.messages;

beforeAll(async () => {
  // A small message limit, so a too-large literal is cheap to send.
  server = await startServer({}, { SANDMAIL_MAX_MESSAGE_BYTES: "4000" });
  client = await login();
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

describe("MULTIAPPEND", () => {
  it("is advertised", async () => {
    const reply = await client.ok("CAPABILITY");
    expect(reply.untagged[0]!.toString()).toMatch(/ MULTIAPPEND( |$)/);
  });

  it("stores every message of one APPEND with its own flags and date, and answers one APPENDUID set", async () => {
    const watcher = await login();
    await watcher.ok("SELECT Drafts");
    const reply = await client.ok(
      "APPEND Drafts (\\Seen) ",
      message(1),
      ' (\\Flagged $Work) "05-Mar-2024 10:20:30 +0100" ',
      message(2),
      " ",
      message(3),
    );
    const drafts = await server.store.getMailbox(server.runId, server.address, "Drafts");
    expect(reply.text).toBe(`OK [APPENDUID ${drafts!.uidValidity} 1:3] APPEND completed`);
    expect(drafts!.messages).toBe(3);
    const index = (await server.store.mailboxIndex(server.runId, drafts!.id)).entries();
    const stored = await server.store.getMessages(
      server.runId,
      index.map((e) => e.messageId),
    );
    expect(stored.map((m) => m!.uid)).toEqual([1, 2, 3]);
    expect(stored.map((m) => m!.flags.slice().sort())).toEqual([["\\Seen"], ["$Work", "\\Flagged"], []]);
    expect(stored[1]!.internalDate.toISOString()).toBe("2024-03-05T09:20:30.000Z");
    for (const [i, m] of stored.entries()) {
      expect((await server.store.getRaw(server.runId, m!.id))?.equals(message(i + 1))).toBe(true);
    }
    // Another session with the mailbox selected hears of all three.
    const noop = await watcher.ok("NOOP");
    expect(noop.untagged.map((u) => u.toString())).toContain("3 EXISTS");
    await watcher.close();
  });

  it("stores nothing when one message is empty, and the connection goes on", async () => {
    const before = await count();
    const reply = await client.command("APPEND Drafts ", message(4), " ", Buffer.alloc(0), " ", message(5));
    expect(reply.status).toBe("NO");
    expect(await count()).toBe(before);
    await client.ok("NOOP");
  });

  it("stores nothing when one date-time is invalid (BAD), and the connection goes on", async () => {
    const before = await count();
    const reply = await client.command(
      "APPEND Drafts ",
      message(4),
      ' "31-Foo-2024 10:00:00 +0000" ',
      message(5),
    );
    expect(reply.status).toBe("BAD");
    expect(await count()).toBe(before);
    await client.ok("NOOP");
  });

  it("stores nothing when one message is over the size limit, and the connection goes on", async () => {
    const before = await count();
    const big = Buffer.concat([message(6), Buffer.alloc(5000, "x")]);
    const reply = await client.command("APPEND Drafts ", message(4), " ", big, " ", message(5));
    // The framer refuses the whole command at the literal's announcement (RFC 7888 §4).
    expect(reply.text).toMatch(/^(NO|BAD) \[TOOBIG\]/);
    expect(await count()).toBe(before);
    await client.ok("NOOP");
  });

  it("stores nothing when the run's quota cannot hold every message", async () => {
    const run = await server.store.createRun({ ttlSeconds: 600, limits: { maxMessages: 2, maxBytes: 1e9 } });
    const address = `bob@${run.id}.${server.config.SANDMAIL_DOMAIN}`;
    await server.store.ensureInbox(run.id, address);
    const bob = await login(address, run.token);
    const reply = await bob.command("APPEND INBOX ", message(7), " ", message(8), " ", message(9));
    expect(reply.status).toBe("NO");
    expect(reply.text).toContain("[OVERQUOTA]");
    expect((await server.store.runCounts(run.id)).messages).toBe(0);
    await bob.ok("APPEND INBOX ", message(7), " ", message(8));
    expect((await server.store.runCounts(run.id)).messages).toBe(2);
    await bob.close();
  });

  it("stores nothing in a mailbox that does not exist", async () => {
    const reply = await client.command("APPEND Nope ", message(1), " ", message(2));
    expect(reply.text).toContain("[TRYCREATE]");
    await client.ok("NOOP");
  });
});
