/** CONDSTORE (RFC 7162) over real sockets: raw protocol checks, then imapflow using it. */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RawImapClient } from "./support/imap-raw-client.js";
import { imapflowClient } from "./support/imapflow-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
  await seed(
    server,
    [1, 2, 3].map((n) => message(n)),
  );
});
afterEach(async () => {
  await server.close();
});

async function login(): Promise<RawImapClient> {
  const c = await RawImapClient.connect("127.0.0.1", server.port);
  await c.ok(`LOGIN "${server.address}" "${server.token}"`);
  return c;
}

const text = (r: { untagged: Buffer[] }) => r.untagged.map((b) => b.toString("latin1"));

describe("CONDSTORE", () => {
  it("is advertised and reports HIGHESTMODSEQ in SELECT, EXAMINE and STATUS", async () => {
    const c = await login();
    expect(text(await c.ok("CAPABILITY")).join()).toContain("CONDSTORE");
    const mb = (await server.store.getMailbox(server.runId, server.address, "INBOX"))!;
    const sel = await c.ok("SELECT INBOX (CONDSTORE)");
    expect(text(sel)).toContain(`OK [HIGHESTMODSEQ ${mb.highestModSeq}] Highest`);
    const st = await c.ok("STATUS INBOX (MESSAGES HIGHESTMODSEQ)");
    expect(text(st).join("\n")).toContain(`STATUS "INBOX" (MESSAGES 3 HIGHESTMODSEQ ${mb.highestModSeq})`);
    const ex = await c.ok("EXAMINE INBOX");
    expect(text(ex).some((l) => l.startsWith("OK [HIGHESTMODSEQ "))).toBe(true);
    expect((await c.command("SELECT INBOX (QRESYNC)")).status).toBe("BAD");
    await c.close();
  });

  it("FETCH MODSEQ and CHANGEDSINCE, STORE UNCHANGEDSINCE with MODIFIED, SEARCH MODSEQ", async () => {
    const c = await login();
    await c.ok("SELECT INBOX");
    const all = text(await c.ok("FETCH 1:* (MODSEQ)")).filter((l) => l.includes(" FETCH "));
    const mods = all.map((l) => Number(/MODSEQ \((\d+)\)/.exec(l)![1]));
    expect(all[0]).toMatch(/^1 FETCH \(MODSEQ \(\d+\)\)$/);
    // Only message 2 changes; CHANGEDSINCE the old top returns just it, with MODSEQ.
    const top = Math.max(...mods);
    const stored = text(await c.ok("STORE 2 +FLAGS (\\Flagged)"));
    const m2 = Number(/MODSEQ \((\d+)\)/.exec(stored.find((l) => l.startsWith("2 FETCH"))!)![1]);
    expect(m2).toBeGreaterThan(top);
    expect(stored.find((l) => l.startsWith("2 FETCH"))).toMatch(/UID 2 FLAGS \(\\Flagged \\Recent\) MODSEQ/);
    const changed = text(await c.ok(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${top})`));
    expect(changed).toEqual([`2 FETCH (UID 2 FLAGS (\\Flagged \\Recent) MODSEQ (${m2}))`]);
    // Message 2 changed after `top`: a conditional STORE leaves it and names it in MODIFIED.
    const cond = await c.command(`STORE 1:3 (UNCHANGEDSINCE ${top}) +FLAGS.SILENT (\\Seen)`);
    expect(cond.status).toBe("OK");
    expect(cond.text).toMatch(/\[MODIFIED 2\]/);
    expect(text(cond).filter((l) => l.includes("FETCH")).length).toBe(2);
    const flags2 = (
      await server.store.mailboxIndex(
        server.runId,
        (await server.store.getMailbox(server.runId, server.address, "INBOX"))!.id,
      )
    ).entries();
    expect(flags2.map((e) => e.flags.includes("\\Seen"))).toEqual([true, false, true]);
    const search = text(await c.ok(`SEARCH MODSEQ ${m2}`));
    expect(search.at(-1)).toMatch(/^SEARCH \d.* \(MODSEQ \d+\)$/);
    expect(text(await c.ok("SEARCH MODSEQ 999999"))).toContain("SEARCH");
    expect((await c.command("FETCH 1 (FLAGS) (VANISHED)")).status).toBe("BAD");
    await c.close();
  });

  it("adds MODSEQ to flag changes from other sessions once enabled", async () => {
    const a = await login();
    const b = await login();
    expect(text(await a.ok("ENABLE CONDSTORE"))).toContain("ENABLED CONDSTORE");
    await a.ok("SELECT INBOX");
    await b.ok("SELECT INBOX");
    await b.ok("STORE 3 +FLAGS (\\Answered)");
    const noop = text(await a.ok("NOOP"));
    expect(noop.find((l) => l.startsWith("3 FETCH"))).toMatch(
      /^3 FETCH \(UID 3 FLAGS \(\\Answered \\Recent\) MODSEQ \(\d+\)\)$/,
    );
    await a.close();
    await b.close();
  });

  it("imapflow syncs with CONDSTORE: changedSince returns only what changed", async () => {
    const client = imapflowClient(server, { doSTARTTLS: false, disableAutoIdle: false });
    await client.connect();
    const mb = await client.mailboxOpen("INBOX");
    expect(typeof mb.highestModseq).toBe("bigint");
    const since = mb.highestModseq!;
    await client.messageFlagsAdd("1", ["\\Flagged"]);
    const changed = [];
    for await (const m of client.fetch("1:*", { flags: true }, { changedSince: since })) changed.push(m.seq);
    expect(changed).toEqual([1]);
    await client.logout();
  });
});
