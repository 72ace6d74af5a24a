/**
 * Two IMAP processes on one Redis, each with its RedisStore's per-process caches (message parts,
 * built ENVELOPEs and search text, mailbox indexes): what one process changes is what the other
 * answers next, whether its session was open during the change or selects afterwards.
 */
import { indexMessage } from "@sandmail/mime";
import { describe, expect, inject, it } from "vitest";
import { message } from "../support/server.js";
import { ModelClient, type Reply } from "./support/model-client.js";
import { twoImapProcesses } from "./support/two-processes.js";

/** UID -> FLAGS of a `UID FETCH ... (FLAGS ...)` reply. */
function flagsByUid(reply: Reply): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of reply.untagged) {
    const uid = /UID (\d+)/.exec(line);
    const flags = /FLAGS \(([^)]*)\)/.exec(line);
    if (uid && flags) out.set(Number(uid[1]), flags[1]!);
  }
  return out;
}

function searched(reply: Reply): number[] {
  const line = reply.untagged.find((l) => l.startsWith("SEARCH"));
  if (line === undefined) throw new Error(`no SEARCH response in ${JSON.stringify(reply)}`);
  return line.slice("SEARCH".length).trim().split(" ").filter(Boolean).map(Number);
}

describe("caches of two IMAP processes on one Redis", () => {
  it("show flags, moves, expunges and new mail made through the other process", async () => {
    const processes = await twoImapProcesses(inject("redisUrl"), "caches");
    const { stores, ports, config } = processes;
    const clients: ModelClient[] = [];
    const open = async (side: 0 | 1, name: string) => {
      const c = await ModelClient.open(ports[side], address, run.token, name);
      clients.push(c);
      return c;
    };
    const run = await stores[0].createRun({ ttlSeconds: 600, limits: { maxMessages: 1000, maxBytes: 1e8 } });
    const address = `alice@${run.id}.${config.SANDMAIL_DOMAIN}`;
    try {
      const subjects = ["Invoice 1", "Report 2", "Invoice 3", "Report 4", "Invoice 5", "Report 6"];
      for (const [i, subject] of subjects.entries()) {
        const raw = message(i + 1, { subject });
        await stores[0].appendMessage(run.id, { address, raw, meta: indexMessage(raw) });
      }
      // Process A reads everything once: its caches now hold parts, envelopes, text and the index.
      const warm = await open(0, "a-warm");
      await warm.select("INBOX");
      await warm.ok("UID FETCH 1:* (FLAGS ENVELOPE)");
      expect(searched(await warm.ok("UID SEARCH SUBJECT Invoice"))).toEqual([1, 3, 5]);
      const a = await open(0, "a-open");
      expect((await a.select("INBOX")).untagged).toContain("6 EXISTS");

      // Process B changes the mailbox.
      const b = await open(1, "b");
      await b.select("INBOX");
      await b.ok("UID STORE 2 +FLAGS (\\Flagged)");
      await b.ok("UID STORE 5 +FLAGS (\\Seen)");
      await b.ok("UID MOVE 3 Archive");
      await b.ok("UID STORE 4 +FLAGS (\\Deleted)");
      await b.ok("UID EXPUNGE 4");
      const raw = message(7, { subject: "Invoice 7" });
      await stores[1].appendMessage(run.id, { address, raw, meta: indexMessage(raw) });

      // A new session in process A selects after the changes.
      const fresh = await open(0, "a-fresh");
      expect((await fresh.select("INBOX")).untagged).toContain("5 EXISTS");
      const flags = flagsByUid(await fresh.ok("UID FETCH 1:* (FLAGS ENVELOPE)"));
      expect([...flags.keys()]).toEqual([1, 2, 5, 6, 7]);
      expect(flags.get(2)).toContain("\\Flagged");
      expect(flags.get(5)).toContain("\\Seen");
      expect(searched(await fresh.ok("UID SEARCH SUBJECT Invoice"))).toEqual([1, 5, 7]);
      expect(searched(await fresh.ok("UID SEARCH FLAGGED"))).toEqual([2]);
      await fresh.select("Archive");
      expect(searched(await fresh.ok("UID SEARCH SUBJECT Invoice"))).toEqual([1]);

      // The session that was open in process A all along learns the same.
      const seen = flagsByUid(await a.ok("UID FETCH 1:* (FLAGS ENVELOPE)"));
      expect([...seen.keys()].sort((x, y) => x - y)).toEqual([1, 2, 5, 6, 7]);
      expect(seen.get(2)).toContain("\\Flagged");
      expect(searched(await a.ok("UID SEARCH UNSEEN SUBJECT Invoice"))).toEqual([1, 7]);
      for (const c of clients) expect(c.violations).toEqual([]);
    } finally {
      for (const c of clients) await c.close();
      await processes.close();
    }
  });
});
