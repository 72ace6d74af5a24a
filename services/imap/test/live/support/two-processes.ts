import { type Config, loadConfig } from "@sandmail/core";
import { selfSignedTls, silentLogger } from "@sandmail/runtime";
import { RedisStore } from "@sandmail/store";
import { createImapService } from "../../../src/index.js";

export interface TwoProcesses {
  config: Config;
  /** Each "process": its own RedisStore (connections, caches) on one Redis, and its IMAP port. */
  stores: [RedisStore, RedisStore];
  ports: [number, number];
  close(): Promise<void>;
}

/** Two IMAP services over two RedisStores sharing one Redis and one key prefix, as two processes. */
export async function twoImapProcesses(url: string, name: string): Promise<TwoProcesses> {
  const prefix = `imap-${name}-${process.pid}-${Date.now()}:`;
  const stores: [RedisStore, RedisStore] = [
    new RedisStore({ url, keyPrefix: prefix }),
    new RedisStore({ url, keyPrefix: prefix }),
  ];
  const config = loadConfig({
    SANDMAIL_IMAP_PORT: "0",
    SANDMAIL_IMAPS_PORT: "0",
    SANDMAIL_LOG_LEVEL: "silent",
  });
  const tls = await selfSignedTls();
  const services = stores.map((store) => createImapService({ config, store, tls, logger: silentLogger() }));
  const ports: number[] = [];
  for (const s of services) ports.push((await s.listen()).port);
  return {
    config,
    stores,
    ports: ports as [number, number],
    async close() {
      for (const s of services) await s.close();
      for (const s of stores) await s.close();
    },
  };
}
