/**
 * Two and three simultaneous sessions on one mailbox, over real sockets: every change made by
 * one session or by the store (SMTP and the API write through it) reaches the others only where
 * RFC 3501 allows, and each session's sequence numbers always match what it has been told.
 */
import { indexMessage } from "@sandmail/mime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { message, seed, startServer, type TestServer } from "../support/server.js";
import { ModelClient } from "./support/model-client.js";

let server: TestServer;
let inboxId: string;
const open: ModelClient[] = [];

async function client(name: string, mailbox = "INBOX"): Promise<ModelClient> {
  const c = await ModelClient.open(server.port, server.address, server.token, name);
  open.push(c);
  await c.select(mailbox);
  return c;
}

async function deliver(n: number): Promise<void> {
  const raw = message(n);
  await server.store.appendMessage(server.runId, { address: server.address, raw, meta: indexMessage(raw) });
}

async function verifyAll(...clients: ModelClient[]): Promise<void> {
  for (const c of clients) {
    await c.verify(server.store, server.runId, inboxId);
    expect(c.violations).toEqual([]);
  }
}

beforeEach(async () => {
  server = await startServer();
  await seed(
    server,
    [1, 2, 3, 4, 5].map((n) => message(n)),
  );
  inboxId = (await server.store.getMailbox(server.runId, server.address, "INBOX"))!.id;
});

afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  await server.close();
});

describe("live updates between sessions", () => {
  it("new mail reaches a session in IDLE and one polling with NOOP", async () => {
    const a = await client("a");
    const b = await client("b");
    await a.idle();
    await deliver(6);
    await a.waitIdle(() => a.count === 6, "EXISTS 6 in IDLE");
    expect(a.idleLines).toContain("6 EXISTS");
    expect(await a.done("done")).toMatch(/^OK/);
    const noop = await b.ok("NOOP");
    expect(noop.untagged).toContain("6 EXISTS");
    await verifyAll(a, b);
  });

  it("a SEARCH or FETCH right after delivery sees the new message without a NOOP", async () => {
    const a = await client("a");
    await deliver(6);
    const search = await a.ok("SEARCH ALL");
    expect(search.untagged).toContain("6 EXISTS");
    expect(search.untagged.at(-1)).toBe("SEARCH 1 2 3 4 5 6");
    await deliver(7);
    const fetch = await a.ok("FETCH 7 (UID)");
    expect(fetch.untagged.some((l) => /^7 FETCH \(UID \d+\)/.test(l))).toBe(true);
    await verifyAll(a);
  });

  it("a flag set on one session arrives on the other two as FETCH FLAGS", async () => {
    const [a, b, c] = [await client("a"), await client("b"), await client("c")];
    await a.ok("STORE 2 +FLAGS (\\Flagged)");
    const atB = await b.ok("NOOP");
    expect(atB.untagged.find((l) => l.startsWith("2 FETCH"))).toMatch(/FLAGS \(\\Flagged\)/);
    await c.idle();
    await a.ok("UID STORE 3 +FLAGS (\\Seen)");
    await c.waitIdle(() => c.idleLines.some((l) => /^3 FETCH .*\\Seen/.test(l)), "FETCH FLAGS in IDLE");
    await c.done();
    await verifyAll(a, b, c);
  });

  it("an EXPUNGE elsewhere never renumbers a session in the middle of its FETCH, STORE or SEARCH", async () => {
    const a = await client("a");
    const b = await client("b");
    await a.ok("STORE 2,4 +FLAGS.SILENT (\\Deleted)");
    await a.ok("EXPUNGE");
    // b still numbers 5 messages: FETCH, STORE and SEARCH by number must not see EXPUNGE.
    const fetch = await b.ok("FETCH 1:* (UID FLAGS)");
    expect(fetch.untagged.some((l) => l.endsWith("EXPUNGE"))).toBe(false);
    const store = await b.ok("STORE 5 +FLAGS (\\Answered)");
    expect(store.untagged.some((l) => l.endsWith("EXPUNGE"))).toBe(false);
    expect(store.untagged.find((l) => l.startsWith("5 FETCH"))).toMatch(/\\Answered/);
    const search = await b.ok("SEARCH ANSWERED");
    expect(search.untagged).toContain("SEARCH 5");
    expect(b.count).toBe(5);
    const noop = await b.ok("NOOP");
    expect(noop.untagged.filter((l) => l.endsWith("EXPUNGE"))).toEqual(["4 EXPUNGE", "2 EXPUNGE"]);
    await verifyAll(a, b);
  });

  it("an EXPUNGE racing a long FETCH of the other session keeps its numbers intact", async () => {
    await seed(
      server,
      Array.from({ length: 40 }, (_, i) => message(100 + i, { body: "x".repeat(20_000) })),
    );
    const a = await client("a");
    const b = await client("b");
    await a.ok("STORE 1:20 +FLAGS.SILENT (\\Deleted)");
    const fetching = b.send("FETCH 1:* (UID BODY.PEEK[])");
    const expunged = a.ok("EXPUNGE");
    const [fetch] = await Promise.all([fetching, expunged]);
    expect(fetch.status).toBe("OK");
    expect(fetch.untagged.some((l) => l.endsWith("EXPUNGE"))).toBe(false);
    await verifyAll(a, b);
  });

  it("a MOVE takes a message out from under the other sessions and into the destination's", async () => {
    const a = await client("a");
    const b = await client("b");
    const archive = await client("c", "Archive");
    const archiveId = (await server.store.getMailbox(server.runId, server.address, "Archive"))!.id;
    await archive.idle();
    await a.ok("MOVE 3 Archive");
    await archive.waitIdle(() => archive.count === 1, "EXISTS in Archive");
    await archive.done();
    const fetch = await b.ok("FETCH 3 (UID)");
    expect(fetch.untagged.some((l) => l.endsWith("EXPUNGE"))).toBe(false);
    const noop = await b.ok("NOOP");
    expect(noop.untagged).toContain("3 EXPUNGE");
    await verifyAll(a, b);
    await archive.verify(server.store, server.runId, archiveId);
    expect(archive.violations).toEqual([]);
  });

  it("changes made through the store (as SMTP and the API do) reach every session", async () => {
    const a = await client("a");
    const b = await client("b");
    const index = (await server.store.mailboxIndex(server.runId, inboxId)).entries();
    await b.idle();
    await server.store.updateFlags(server.runId, [index[0]!.messageId], { op: "add", flags: ["\\Seen"] });
    await server.store.deleteMessages(server.runId, [index[1]!.messageId]);
    await deliver(9);
    await b.waitIdle(() => b.count === 5 && b.idleLines.includes("2 EXPUNGE"), "updates in IDLE");
    await b.done();
    const noop = await a.ok("NOOP");
    expect(noop.untagged).toContain("2 EXPUNGE");
    expect(a.count).toBe(5);
    await verifyAll(a, b);
  });
});

describe("\\Recent", () => {
  it("is seen by exactly one session, also for mail arriving while sessions select and poll", async () => {
    const sessions = [await client("a"), await client("b"), await client("c")];
    const arrivals: Promise<void>[] = [];
    const polls: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      arrivals.push(deliver(200 + i));
      if (i % 5 === 0) polls.push(...sessions.map((s) => s.ok("NOOP")));
      await Promise.all(polls.splice(0));
    }
    await Promise.all(arrivals);
    const recentBy = new Map<number, string[]>();
    for (const s of sessions) {
      await s.ok("NOOP");
      const reply = await s.ok("UID SEARCH RECENT");
      const line = reply.untagged.find((l) => l.startsWith("SEARCH"))!;
      for (const uid of line.split(" ").slice(1).map(Number)) {
        recentBy.set(uid, [...(recentBy.get(uid) ?? []), s.name]);
      }
    }
    // The five seeded messages were claimed by the first SELECT; the 30 new ones once each.
    const index = (await server.store.mailboxIndex(server.runId, inboxId)).entries();
    for (const { uid } of index) expect(recentBy.get(uid)?.length, `uid ${uid}`).toBe(1);
    await verifyAll(...sessions);
  });
});

describe("IDLE", () => {
  it("ends on a tagged command sent instead of DONE and runs that command", async () => {
    const a = await client("a");
    await a.idle();
    const reply = await new Promise<string>((resolve) => {
      const sock = (a as unknown as { socket: import("node:net").Socket }).socket;
      let text = "";
      const on = (d: Buffer) => {
        text += d.toString("latin1");
        if (/\r\nzz1 OK/.test(`\r\n${text}`)) {
          sock.off("data", on);
          resolve(text);
        }
      };
      sock.on("data", on);
      sock.write("zz1 NOOP\r\n");
    });
    expect(reply).toMatch(/OK IDLE terminated/);
    expect(reply).toMatch(/zz1 OK NOOP completed/);
  });

  it("ends an idle connection after the idle limit with BYE", async () => {
    await server.close();
    server = await startServer({ idleTimeoutMs: 300 });
    const a = await ModelClient.open(server.port, server.address, server.token, "a");
    open.push(a);
    await a.select();
    await a.idle();
    await a.waitIdle(() => a.idleLines.some((l) => l.startsWith("BYE")), "BYE");
  });
});
