/** IMAP services over the given stores (one per store, sharing them as processes would) and one run. */
import { type Config, loadConfig } from "@sandmail/core";
import { selfSignedTls, silentLogger } from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import { createImapService } from "../../../src/index.js";

export interface World {
  stores: MailStore[];
  ports: number[];
  runId: string;
  token: string;
  address: string;
  close(): Promise<void>;
}

export async function world(stores: MailStore[], maxMessages = 100_000): Promise<World> {
  const config: Config = loadConfig({
    SANDMAIL_IMAP_PORT: "0",
    SANDMAIL_IMAPS_PORT: "0",
    SANDMAIL_LOG_LEVEL: "silent",
  });
  const tls = await selfSignedTls();
  const services = stores.map((store) => createImapService({ config, store, tls, logger: silentLogger() }));
  const ports = [];
  for (const s of services) ports.push((await s.listen()).port);
  const run = await stores[0]!.createRun({
    ttlSeconds: 600,
    limits: { maxMessages, maxBytes: 1e10 },
  });
  const address = `alice@${run.id}.${config.SANDMAIL_DOMAIN}`;
  await stores[0]!.ensureInbox(run.id, address);
  return {
    stores,
    ports,
    runId: run.id,
    token: run.token,
    address,
    async close() {
      for (const s of services) await s.close();
      for (const s of stores) await s.close();
    },
  };
}
