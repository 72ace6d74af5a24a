/**
 * QRESYNC across two IMAP processes on one Redis: an expunge made through one process reaches a
 * QRESYNC session of the other as VANISHED, and a client coming back through either process
 * learns of it from the RedisStore's expunge record.
 */
import { indexMessage } from "@sandmail/mime";
import { describe, expect, inject, it } from "vitest";
import { RawImapClient } from "../support/imap-raw-client.js";
import { message } from "../support/server.js";
import { twoImapProcesses } from "./support/two-processes.js";

const lines = (reply: { untagged: Buffer[] }) => reply.untagged.map((u) => u.toString("latin1"));

describe("QRESYNC across two IMAP processes on one Redis", () => {
  it("hears the other process's expunges live, and from the store on its next visit", async () => {
    const processes = await twoImapProcesses(inject("redisUrl"), "qresync");
    const clients: RawImapClient[] = [];
    try {
      const { stores, ports, config } = processes;
      const run = await stores[0].createRun({ ttlSeconds: 600, limits: { maxMessages: 100, maxBytes: 1e8 } });
      const address = `alice@${run.id}.${config.SANDMAIL_DOMAIN}`;
      for (let n = 1; n <= 5; n++) {
        const raw = message(n);
        await stores[0].appendMessage(run.id, { address, raw, meta: indexMessage(raw) });
      }
      const login = async (side: 0 | 1) => {
        const c = await RawImapClient.connect("127.0.0.1", ports[side]);
        clients.push(c);
        await c.ok(`LOGIN "${address}" "${run.token}"`);
        await c.ok("ENABLE QRESYNC");
        return c;
      };

      const a = await login(0);
      const selected = lines(await a.ok("SELECT INBOX")).join(" ");
      const validity = /UIDVALIDITY (\d+)/.exec(selected)![1];
      const since = /HIGHESTMODSEQ (\d+)/.exec(selected)![1];

      const b = await login(1);
      await b.ok("SELECT INBOX");
      await b.ok("UID STORE 2,4 +FLAGS.SILENT (\\Deleted)");
      expect(lines(await b.ok("EXPUNGE"))).toContain("VANISHED 2,4");

      // Process 0 checks the store before a NOOP's reply, so the events need not have arrived.
      expect(lines(await a.ok("NOOP"))).toContain("VANISHED 2,4");

      for (const side of [0, 1] as const) {
        const back = await login(side);
        const reply = lines(await back.ok(`EXAMINE INBOX (QRESYNC (${validity} ${since}))`));
        expect(reply).toContain("VANISHED (EARLIER) 2,4");
        expect(lines(await back.ok(`UID FETCH 1:* (UID) (CHANGEDSINCE ${since} VANISHED)`))).toContain(
          "VANISHED (EARLIER) 2,4",
        );
      }
    } finally {
      for (const c of clients) await c.close();
      await processes.close();
    }
  });
});
