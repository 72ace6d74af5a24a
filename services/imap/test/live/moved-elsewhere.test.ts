/**
 * A message moved away by another IMAP process is gone for this session too: a STORE or COPY
 * naming its old UID must not touch it in its new folder (the store keeps a moved message's id).
 */
import { indexMessage } from "@sandmail/mime";
import { describe, expect, inject, it } from "vitest";
import { message } from "../support/server.js";
import { ModelClient } from "./support/model-client.js";
import { twoImapProcesses } from "./support/two-processes.js";

describe("a message moved by another process", () => {
  it("is not flagged or copied through its old UID", async () => {
    const processes = await twoImapProcesses(inject("redisUrl"), "moved");
    const { stores, ports, config } = processes;
    try {
      const run = await stores[0].createRun({
        ttlSeconds: 600,
        limits: { maxMessages: 1000, maxBytes: 1e8 },
      });
      const address = `alice@${run.id}.${config.SANDMAIL_DOMAIN}`;
      for (const n of [1, 2]) {
        const raw = message(n);
        await stores[0].appendMessage(run.id, { address, raw, meta: indexMessage(raw) });
      }
      const a = await ModelClient.open(ports[0], address, run.token, "a");
      const b = await ModelClient.open(ports[1], address, run.token, "b");
      await a.select("INBOX");
      await b.select("INBOX");
      await b.ok("UID MOVE 1 Archive");
      // Session a (another process) has not been told of the move yet; it names UID 1 at once.
      await a.ok("UID STORE 1 +FLAGS (\\Flagged)");
      await a.ok("UID COPY 1 Trash");
      const archive = await stores[1].getMailbox(run.id, address, "Archive");
      const moved = (await stores[1].listMessages(run.id, { mailboxId: archive!.id }))[0];
      expect(moved?.flags).not.toContain("\\Flagged");
      const trash = await stores[1].getMailbox(run.id, address, "Trash");
      expect(trash?.messages).toBe(0);
      // The untouched message is still there and still flaggable through a.
      await a.ok("UID STORE 2 +FLAGS (\\Flagged)");
      const inbox = await stores[1].getMailbox(run.id, address, "INBOX");
      const left = await stores[1].listMessages(run.id, { mailboxId: inbox!.id });
      expect(left.map((m) => m.flags.includes("\\Flagged"))).toEqual([true]);
    } finally {
      await processes.close();
    }
  });
});
