/**
 * QRESYNC (RFC 7162 §3.2) from the outside: imapflow with `qresync: true` hears expunges made by
 * the API (the store call behind DELETE) and by another IMAP session as VANISHED, live and on its
 * next visit; and a raw client checks what Dovecot cannot show: the answer once the store has
 * forgotten older expunges, the hold on VANISHED during FETCH by number, and hostile ranges.
 */
import type { ImapFlow } from "imapflow";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RawImapClient } from "./support/imap-raw-client.js";
import { imapflowClient } from "./support/imapflow-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

type ExpungeEvent = { path: string; uid?: number; seq?: number; vanished: boolean; earlier?: boolean };

let server: TestServer;
const open: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  // A small expunge record, so a test can go past it.
  server = await startServer({}, {}, { expungedKept: 5 });
});

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

async function freshMailbox(name: string, count: number): Promise<{ id: string; ids: string[] }> {
  await server.store.createMailbox(server.runId, server.address, name);
  await seed(
    server,
    Array.from({ length: count }, (_, i) => message(i + 1)),
    { mailbox: name },
  );
  const mailbox = (await server.store.getMailbox(server.runId, server.address, name))!;
  const index = await server.store.mailboxIndex(server.runId, mailbox.id);
  return { id: mailbox.id, ids: Array.from({ length: index.length }, (_, i) => index.id(i)) };
}

function flow(qresync: boolean): ImapFlow {
  const c = imapflowClient(server, { qresync, disableAutoIdle: false });
  open.push(c);
  return c;
}

/** Resolves with the first `n` expunge events the client emits from now on. */
function expunges(c: ImapFlow, n: number): Promise<ExpungeEvent[]> {
  const seen: ExpungeEvent[] = [];
  return new Promise((resolve) => {
    c.on("expunge", (event: ExpungeEvent) => {
      seen.push(event);
      if (seen.length === n) resolve(seen);
    });
  });
}

async function raw(): Promise<RawImapClient> {
  const c = await RawImapClient.connect("127.0.0.1", server.port);
  open.push(c);
  await c.ok(`LOGIN "${server.address}" "${server.token}"`);
  return c;
}

const lines = (reply: { untagged: Buffer[] }) => reply.untagged.map((u) => u.toString("latin1"));

/** A raw session with QRESYNC on and `name` selected; its UIDVALIDITY and HIGHESTMODSEQ. */
async function selectedWithQresync(
  name: string,
): Promise<{ c: RawImapClient; validity: string; modSeq: string }> {
  const c = await raw();
  await c.ok("ENABLE QRESYNC");
  const selected = lines(await c.ok(`SELECT ${name}`)).join(" ");
  return {
    c,
    validity: /UIDVALIDITY (\d+)/.exec(selected)![1]!,
    modSeq: /HIGHESTMODSEQ (\d+)/.exec(selected)![1]!,
  };
}

describe("QRESYNC with imapflow", () => {
  it("hears expunges by the API and by another session as VANISHED, live while idling", async () => {
    const box = await freshMailbox("Live", 6);
    const c = flow(true);
    await c.connect();
    expect(c.enabled.has("QRESYNC")).toBe(true);
    await c.mailboxOpen("Live");

    // The API's delete, while imapflow idles.
    const first = expunges(c, 2);
    // idle() settles when the IDLE ends; an expunge queued before it starts is sent as it starts.
    void c.idle().catch(() => {});
    await server.store.deleteMessages(server.runId, [box.ids[1]!, box.ids[3]!]);
    expect((await first).map((e) => [e.uid, e.vanished, e.earlier])).toEqual([
      [2, true, false],
      [4, true, false],
    ]);

    // Another IMAP session, one that never enabled QRESYNC, expunges.
    const second = expunges(c, 1);
    const other = flow(false);
    await other.connect();
    await other.mailboxOpen("Live");
    await other.messageDelete("6", { uid: true });
    expect((await second).map((e) => [e.uid, e.vanished])).toEqual([[6, true]]);
    expect(c.mailbox ? c.mailbox.exists : undefined).toBe(3);
  });

  it("learns on its next visit what was expunged and flagged while it was away", async () => {
    const box = await freshMailbox("Away", 5);
    const c = flow(true);
    await c.connect();
    const opened = await c.mailboxOpen("Away");
    const { uidValidity, highestModseq } = opened;
    await c.logout();

    await server.store.deleteMessages(server.runId, [box.ids[0]!, box.ids[2]!]);
    await server.store.updateFlags(server.runId, [box.ids[4]!], { op: "add", flags: ["\\Flagged"] });

    const back = flow(true);
    await back.connect();
    const gone = expunges(back, 2);
    const flagged = new Promise<{ uid: number; flags: Set<string> }>((resolve) => back.on("flags", resolve));
    await back.mailboxOpen("Away", { uidValidity, changedSince: highestModseq });
    expect((await gone).map((e) => [e.uid, e.earlier])).toEqual([
      [1, true],
      [3, true],
    ]);
    const change = await flagged;
    expect(change.uid).toBe(5);
    expect([...change.flags]).toContain("\\Flagged");
  });
});

describe("QRESYNC with a raw client", () => {
  it("holds VANISHED during FETCH by number and sends it with the next command that may", async () => {
    const box = await freshMailbox("Held", 4);
    const { c } = await selectedWithQresync("Held");
    await server.store.deleteMessages(server.runId, [box.ids[1]!]);
    const fetch = await c.ok("FETCH 1:* (FLAGS)");
    expect(lines(fetch).filter((l) => /VANISHED|EXPUNGE/.test(l))).toEqual([]);
    expect(lines(await c.ok("NOOP"))).toContain("VANISHED 2");
    expect(lines(await c.ok("FETCH 1:* (UID)"))).toEqual([
      "1 FETCH (UID 1)",
      "2 FETCH (UID 3)",
      "3 FETCH (UID 4)",
    ]);
  });

  it("while a VANISHED is held, reports a HIGHESTMODSEQ below it, so a resync from there finds it", async () => {
    const box = await freshMailbox("Below", 4);
    const { c, validity } = await selectedWithQresync("Below");
    // Expunged first, flagged after: the flag change's MODSEQ is above the expunge's.
    await server.store.deleteMessages(server.runId, [box.ids[1]!]);
    const gone = (await server.store.getMailboxById(server.runId, box.id))!.highestModSeq;
    await server.store.updateFlags(server.runId, [box.ids[3]!], { op: "add", flags: ["\\Flagged"] });
    const fetch = lines(await c.ok("FETCH 1:* (FLAGS)"));
    const flagged = fetch.find((l) => l.includes("\\Flagged"))!;
    expect(Number(/MODSEQ \((\d+)\)/.exec(flagged)![1])).toBeGreaterThan(gone);
    expect(fetch.some((l) => l.startsWith("VANISHED"))).toBe(false);
    const floor = fetch.map((l) => /^OK \[HIGHESTMODSEQ (\d+)\]/.exec(l)?.[1]).find(Boolean);
    expect(Number(floor)).toBeLessThan(gone);
    // The client drops the connection here; coming back from that HIGHESTMODSEQ it learns of UID 2.
    const back = await raw();
    await back.ok("ENABLE QRESYNC");
    expect(lines(await back.ok(`SELECT Below (QRESYNC (${validity} ${floor}))`))).toContain(
      "VANISHED (EARLIER) 2",
    );
    // Once the VANISHED is out, no lower HIGHESTMODSEQ follows.
    expect(lines(await c.ok("NOOP"))).toContain("VANISHED 2");
    expect(lines(await c.ok("FETCH 1 (FLAGS)")).some((l) => l.includes("HIGHESTMODSEQ"))).toBe(false);
  });

  it("names every UID gone from the asked range once the store has forgotten older expunges", async () => {
    const box = await freshMailbox("Forgot", 12);
    const { c, validity, modSeq: since } = await selectedWithQresync("Forgot");
    await c.ok("UNSELECT");
    // UID 1 goes, then six more: seven expunges, past the record of five.
    await server.store.deleteMessages(server.runId, [box.ids[0]!]);
    const mark = (await server.store.getMailboxById(server.runId, box.id))!.highestModSeq;
    await server.store.deleteMessages(
      server.runId,
      [3, 4, 6, 8, 9, 10].map((uid) => box.ids[uid - 1]!),
    );

    // From `mark` the record is partial: UID 1 (gone before mark) is named too, which RFC 7162
    // §3.2.5.2 allows; what matters is that no UID still there is named and none gone is missed.
    const resync = lines(await c.ok(`SELECT Forgot (QRESYNC (${validity} ${mark}))`));
    expect(resync).toContain("VANISHED (EARLIER) 1,3:4,6,8:10");
    // From `since` too, and within known UIDs.
    const known = lines(await c.ok(`EXAMINE Forgot (QRESYNC (${validity} ${since} 2:9))`));
    expect(known).toContain("VANISHED (EARLIER) 3:4,6,8:9");
    // UID FETCH VANISHED takes the same way; with a recent enough modseq it is exact again.
    const exact = lines(await c.ok(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${mark} VANISHED)`));
    expect(exact).toContain("VANISHED (EARLIER) 1,3:4,6,8:10");
    const recent = (await server.store.getMailboxById(server.runId, box.id))!.highestModSeq;
    await server.store.deleteMessages(server.runId, [box.ids[11]!]);
    await c.ok("NOOP");
    expect(lines(await c.ok(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${recent} VANISHED)`))).toContain(
      "VANISHED (EARLIER) 12",
    );
  });

  it("answers the widest ranges in a few ranges, not one UID at a time", async () => {
    const box = await freshMailbox("Wide", 3);
    await server.store.deleteMessages(server.runId, box.ids);
    const { c, validity } = await selectedWithQresync("Wide");
    const reply = lines(
      await c.ok(`SELECT Wide (QRESYNC (${validity} 1 1:4294967295 (1:4294967295 1:4294967295)))`),
    );
    expect(reply).toContain("VANISHED (EARLIER) 1:3");
    expect(lines(await c.ok("UID FETCH 1:4294967295,7:* (FLAGS) (CHANGEDSINCE 1 VANISHED)"))).toContain(
      "VANISHED (EARLIER) 1:3",
    );
  });

  it("refuses QRESYNC parameters before ENABLE, malformed ones, and VANISHED where it does not belong", async () => {
    const c = await raw();
    expect((await c.command("SELECT INBOX (QRESYNC (1 1))")).status).toBe("BAD");
    expect((await c.command("ENABLE QRESYNC")).untagged.map(String)).toEqual(["ENABLED QRESYNC"]);
    await c.ok("SELECT INBOX");
    for (const bad of [
      "SELECT INBOX (QRESYNC (1))",
      "SELECT INBOX (QRESYNC (0 1))",
      "SELECT INBOX (QRESYNC (1 -1))",
      "SELECT INBOX (QRESYNC (1 1 1:*))",
      "SELECT INBOX (QRESYNC (1 1 1:2 (1:2)))",
      "SELECT INBOX (QRESYNC (1 1 1:2 (1 1:2)))",
      "SELECT INBOX (QRESYNC (1 1 $))",
      "SELECT INBOX (QRESYNC 1)",
      "FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
      "UID FETCH 1:* (FLAGS) (VANISHED)",
      "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 CHANGEDSINCE 2)",
    ]) {
      expect([bad, (await c.command(bad)).status]).toEqual([bad, "BAD"]);
    }
    // The connection goes on, the mailbox still selected.
    expect((await c.command("UID FETCH 1:* (UID) (CHANGEDSINCE 1 VANISHED)")).status).toBe("OK");
  });
});
