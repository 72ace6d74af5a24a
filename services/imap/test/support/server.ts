/** A real IMAP service on free loopback ports over a MemoryStore, with one seeded run. */
import { type Config, loadConfig } from "@sandmail/core";
import { indexMessage } from "@sandmail/mime";
import { selfSignedTls, silentLogger } from "@sandmail/runtime";
import { MemoryStore, type MemoryStoreOptions } from "@sandmail/store";
import { createImapService, type ImapServiceOptions } from "../../src/index.js";

export interface TestServer {
  port: number;
  tlsPort: number;
  store: MemoryStore;
  config: Config;
  runId: string;
  token: string;
  address: string;
  close(): Promise<void>;
}

let tlsCache: Promise<{ key: string; cert: string }> | undefined;

export async function startServer(
  extra: Partial<ImapServiceOptions> = {},
  env: Record<string, string> = {},
  storeOptions: MemoryStoreOptions = {},
): Promise<TestServer> {
  const config = loadConfig({
    SANDMAIL_IMAP_PORT: "0",
    SANDMAIL_IMAPS_PORT: "0",
    SANDMAIL_LOG_LEVEL: "silent",
    ...env,
  });
  const store = new MemoryStore(storeOptions);
  tlsCache ??= selfSignedTls();
  const tls = await tlsCache;
  const service = createImapService({ config, store, tls, logger: silentLogger(), ...extra });
  const { port, tlsPort } = await service.listen();
  const run = await store.createRun({
    id: "runa",
    ttlSeconds: 3600,
    limits: { maxMessages: 100_000, maxBytes: 1e9 },
  });
  const address = `alice@runa.${config.SANDMAIL_DOMAIN}`;
  await store.ensureInbox(run.id, address);
  return {
    port,
    tlsPort,
    store,
    config,
    runId: run.id,
    token: run.token,
    address,
    async close() {
      await service.close();
      await store.close();
    },
  };
}

export function message(n: number, opts: { subject?: string; body?: string; from?: string } = {}): Buffer {
  return Buffer.from(
    [
      `From: ${opts.from ?? `Sender ${n} <sender${n}@example.com>`}`,
      "To: alice@runa.sandmail.test",
      `Subject: ${opts.subject ?? `Message ${n}`}`,
      `Date: Mon, 0${(n % 9) + 1} Jan 2024 10:00:00 +0000`,
      `Message-ID: <m${n}@example.com>`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      opts.body ?? `Hello number ${n}.`,
      "",
    ].join("\r\n"),
  );
}

export async function seed(
  server: TestServer,
  raws: Buffer[],
  opts: { mailbox?: string; flags?: string[]; address?: string } = {},
): Promise<void> {
  for (const raw of raws) {
    await server.store.appendMessage(server.runId, {
      address: opts.address ?? server.address,
      raw,
      meta: indexMessage(raw),
      ...(opts.mailbox ? { mailbox: opts.mailbox } : {}),
      ...(opts.flags ? { flags: opts.flags } : {}),
    });
  }
}
