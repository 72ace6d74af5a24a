/**
 * QUOTA (RFC 9208): the run's limits and usage, as the store counts them, for every mailbox of
 * a login; another run's mail never counts; SETQUOTA is refused; STATUS DELETED and
 * DELETED-STORAGE say what an EXPUNGE would free.
 */
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawImapClient } from "./support/imap-raw-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let client: RawImapClient;

beforeAll(async () => {
  server = await startServer();
  await seed(
    server,
    [1, 2, 3].map((n) => message(n)),
  );
  await seed(server, [message(4, { body: "x".repeat(3000) })], { mailbox: "Archive" });
  client = await RawImapClient.connect("127.0.0.1", server.port);
  await client.ok(`LOGIN "${server.address}" "${server.token}"`);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

const lines = (reply: { untagged: Buffer[] }) => reply.untagged.map((u) => u.toString());

describe("QUOTA", () => {
  it("is advertised with its two resources", async () => {
    const caps = lines(await client.ok("CAPABILITY"))[0]!.split(" ");
    expect(caps).toEqual(expect.arrayContaining(["QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE"]));
  });

  it("answers the run's usage and limits for any mailbox, under one root", async () => {
    const counts = await server.store.runCounts(server.runId);
    const run = await server.store.getRun(server.runId);
    const quota = `QUOTA "" (STORAGE ${Math.ceil(counts.bytes / 1024)} ${Math.floor(run!.limits.maxBytes / 1024)} MESSAGE 4 ${run!.limits.maxMessages})`;
    expect(lines(await client.ok("GETQUOTAROOT INBOX"))).toEqual(['QUOTAROOT "INBOX" ""', quota]);
    expect(lines(await client.ok("GETQUOTAROOT Archive"))).toEqual(['QUOTAROOT "Archive" ""', quota]);
    expect(lines(await client.ok('GETQUOTA ""'))).toEqual([quota]);
  });

  it("refuses an unknown root or mailbox, and SETQUOTA, and goes on", async () => {
    expect((await client.command("GETQUOTA other")).text).toMatch(/^NO \[NONEXISTENT\]/);
    expect((await client.command("GETQUOTAROOT Nope")).text).toMatch(/^NO \[NONEXISTENT\]/);
    expect((await client.command('SETQUOTA "" (STORAGE 10)')).text).toMatch(/^NO \[CANNOT\]/);
    expect((await client.command("GETQUOTA")).status).toBe("BAD");
    expect((await client.command("SETQUOTA")).status).toBe("BAD");
    await client.ok("NOOP");
  });

  it("counts nothing of another run", async () => {
    const other = await server.store.createRun({
      ttlSeconds: 600,
      limits: { maxMessages: 7, maxBytes: 70_000 },
    });
    const address = `eve@${other.id}.${server.config.SANDMAIL_DOMAIN}`;
    await server.store.ensureInbox(other.id, address);
    const eve = await RawImapClient.connect("127.0.0.1", server.port);
    await eve.ok(`LOGIN "${address}" "${other.token}"`);
    expect(lines(await eve.ok("GETQUOTAROOT INBOX"))[1]).toBe('QUOTA "" (STORAGE 0 68 MESSAGE 0 7)');
    await eve.close();
  });

  it("reports STATUS DELETED and DELETED-STORAGE", async () => {
    await client.ok("SELECT Archive");
    expect(lines(await client.ok("STATUS Archive (DELETED DELETED-STORAGE)"))).toEqual([
      'STATUS "Archive" (DELETED 0 DELETED-STORAGE 0)',
    ]);
    await client.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
    const size = message(4, { body: "x".repeat(3000) }).length;
    expect(lines(await client.ok("STATUS Archive (DELETED DELETED-STORAGE MESSAGES)"))).toEqual([
      `STATUS "Archive" (DELETED 1 DELETED-STORAGE ${Math.ceil(size / 1024)} MESSAGES 1)`,
    ]);
    await client.ok("CLOSE");
  });

  it("is what imapflow's getQuota reads", async () => {
    const flow = new ImapFlow({
      host: "127.0.0.1",
      port: server.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: server.address, pass: server.token },
      logger: false,
    });
    flow.on("error", () => {});
    await flow.connect();
    try {
      const counts = await server.store.runCounts(server.runId);
      const quota = await flow.getQuota("INBOX");
      expect(quota).toMatchObject({
        path: "INBOX",
        storage: { usage: Math.ceil(counts.bytes / 1024) * 1024, limit: Math.floor(1e9 / 1024) * 1024 },
        message: { usage: counts.messages, limit: 100_000 },
      });
    } finally {
      await flow.logout();
    }
  });
});
