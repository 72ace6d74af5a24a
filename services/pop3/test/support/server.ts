/** A real POP3 service on free loopback ports over a MemoryStore, with one seeded run. */
import { type Config, loadConfig } from "@sandmail/core";
import { indexMessage } from "@sandmail/mime";
import { selfSignedTls, silentLogger } from "@sandmail/runtime";
import { MemoryStore } from "@sandmail/store";
import { createPop3Service, type Pop3ServiceOptions } from "../../src/index.js";

export interface TestPop3 {
  port: number;
  tlsPort: number;
  store: MemoryStore;
  config: Config;
  runId: string;
  token: string;
  address: string;
  append(raw: Buffer | string, address?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startPop3(extra: Partial<Pop3ServiceOptions> = {}): Promise<TestPop3> {
  const config = loadConfig({
    SANDMAIL_POP3_PORT: "0",
    SANDMAIL_POP3S_PORT: "0",
    SANDMAIL_LOG_LEVEL: "silent",
  });
  const store = new MemoryStore();
  const service = createPop3Service({
    config,
    store,
    tls: await selfSignedTls(),
    logger: silentLogger(),
    ...extra,
  });
  const { port, tlsPort } = await service.listen();
  const run = await store.createRun({
    id: "popa",
    ttlSeconds: 3600,
    limits: { maxMessages: 10_000, maxBytes: 1e9 },
  });
  const address = `alice@popa.${config.SANDMAIL_DOMAIN}`;
  await store.ensureInbox(run.id, address);
  return {
    port,
    tlsPort,
    store,
    config,
    runId: run.id,
    token: run.token,
    address,
    async append(raw, to = address) {
      const bytes = Buffer.from(raw);
      const m = await store.appendMessage(run.id, { address: to, raw: bytes, meta: indexMessage(bytes) });
      return m.id;
    },
    async close() {
      await service.close();
      await store.close();
    },
  };
}

export function mail(n: number, body = `Hello number ${n}.`): string {
  return [
    `From: sender${n}@example.com`,
    `To: alice@popa.sandmail.test`,
    `Subject: Message ${n}`,
    "",
    body,
    "",
  ].join("\r\n");
}
