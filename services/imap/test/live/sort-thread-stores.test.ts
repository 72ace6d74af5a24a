/**
 * SORT, THREAD and SEARCHRES on both stores: the same 300 generated messages in a MemoryStore
 * and in a RedisStore (whose per-process message cache hands out new objects) give the same
 * answers, twice in a row (the second time from the caches), and another run's messages in the
 * same Redis never show up.
 */
import { loadConfig } from "@sandmail/core";
import { indexMessage } from "@sandmail/mime";
import { selfSignedTls, silentLogger } from "@sandmail/runtime";
import { type MailStore, MemoryStore, RedisStore } from "@sandmail/store";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createImapService } from "../../src/index.js";
import { generateMessages } from "../differential/generated.js";
import { type ImapReply, RawImapClient } from "../support/imap-raw-client.js";

const SCRIPT = [
  "SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
  "UID SORT (DISPLAYFROM SIZE) UTF-8 NOT SEEN",
  "SORT (REVERSE ARRIVAL) UTF-8 SUBJECT re",
  "THREAD REFERENCES UTF-8 ALL",
  "UID THREAD ORDEREDSUBJECT UTF-8 ALL",
  "SEARCH RETURN (SAVE) FLAGGED",
  "SORT (DATE) UTF-8 $",
  "UID FETCH $ (FLAGS)",
];

describe("SORT and THREAD on the MemoryStore and the RedisStore", () => {
  const stores: MailStore[] = [];
  const services: Array<ReturnType<typeof createImapService>> = [];
  const clients: RawImapClient[] = [];
  const generated = generateMessages();

  beforeAll(async () => {
    const config = loadConfig({
      SANDMAIL_IMAP_PORT: "0",
      SANDMAIL_IMAPS_PORT: "0",
      SANDMAIL_LOG_LEVEL: "silent",
    });
    const tls = await selfSignedTls();
    const prefix = `imap-sort-${process.pid}-${Date.now()}:`;
    stores.push(new MemoryStore(), new RedisStore({ url: inject("redisUrl"), keyPrefix: prefix }));
    for (const store of stores) {
      const service = createImapService({ config, store, tls, logger: silentLogger() });
      services.push(service);
      const { port } = await service.listen();
      const limits = { maxMessages: 10_000, maxBytes: 1e9 };
      const run = await store.createRun({ ttlSeconds: 600, limits });
      const address = `alice@${run.id}.${config.SANDMAIL_DOMAIN}`;
      for (const g of generated) {
        await store.appendMessage(run.id, {
          address,
          raw: g.raw,
          meta: indexMessage(g.raw),
          flags: g.flags,
          internalDate: g.internalDate,
        });
      }
      // Another run's mail in the same store: never part of this run's answers.
      const other = await store.createRun({ ttlSeconds: 600, limits });
      const otherAddress = `alice@${other.id}.${config.SANDMAIL_DOMAIN}`;
      for (const g of generated.slice(0, 50))
        await store.appendMessage(other.id, { address: otherAddress, raw: g.raw, meta: indexMessage(g.raw) });
      const client = await RawImapClient.connect("127.0.0.1", port);
      await client.ok(`LOGIN "${address}" "${run.token}"`);
      await client.ok("SELECT INBOX");
      clients.push(client);
    }
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const s of services) await s.close();
    for (const s of stores) await s.close();
  });

  it("answers alike, from cold and from the caches, with only the run's own messages", async () => {
    for (let pass = 0; pass < 2; pass++) {
      for (const command of SCRIPT) {
        const [memory, redis] = await Promise.all(clients.map((c) => c.command(command)));
        const text = (r: ImapReply) => r.untagged.map((u) => u.toString("utf8")).join("\n");
        expect(redis!.status, command).toBe("OK");
        expect(text(redis!), command).toBe(text(memory!));
      }
    }
    const all = await clients[1]!.ok("SORT (ARRIVAL) UTF-8 ALL");
    const numbers = all.untagged[0]!.toString("utf8").split(" ").slice(1).map(Number);
    expect(numbers.sort((a, b) => a - b)).toEqual(generated.map((_, i) => i + 1));
  });
});
