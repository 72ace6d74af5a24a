import { type Config, loadConfig, type Run } from "@sandmail/core";
import { selfSignedTls, silentLogger, type TlsMaterial } from "@sandmail/runtime";
import { type CatchAllRun, type MailStore, MemoryStore } from "@sandmail/store";
import { createSmtpService, type SmtpPorts, type SmtpService } from "../../src/index.js";

let tlsOnce: Promise<TlsMaterial> | undefined;
/** One self-signed certificate per test file is plenty. */
export const testTls = () => {
  tlsOnce ??= selfSignedTls("localhost", "sandmail.test");
  return tlsOnce;
};

export interface Harness extends SmtpPorts {
  config: Config;
  store: MailStore;
  service: SmtpService;
  createRun(options?: { id?: string; maxMessages?: number }): Promise<Run>;
  /** Messages of a run, oldest first. */
  messages(runId: string): ReturnType<MailStore["listMessages"]>;
  raw(runId: string, messageId: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export async function startHarness(
  options: {
    env?: Record<string, string>;
    store?: MailStore;
    catchAll?: CatchAllRun;
    closeTimeoutMs?: number;
  } = {},
): Promise<Harness> {
  const config = loadConfig({
    SANDMAIL_HOST: "127.0.0.1",
    SANDMAIL_SMTP_PORT: "0",
    SANDMAIL_SMTPS_PORT: "0",
    SANDMAIL_PUBLIC_HOST: "mx.sandmail.test",
    ...options.env,
  });
  const store = options.store ?? new MemoryStore();
  const service = createSmtpService({
    config,
    store,
    tls: await testTls(),
    logger: silentLogger(),
    ...(options.catchAll ? { catchAll: options.catchAll } : {}),
    ...(options.closeTimeoutMs !== undefined ? { closeTimeoutMs: options.closeTimeoutMs } : {}),
  });
  const ports = await service.listen();
  return {
    ...ports,
    config,
    store,
    service,
    createRun: (o = {}) =>
      store.createRun({
        ...(o.id !== undefined ? { id: o.id } : {}),
        ttlSeconds: 600,
        limits: { maxMessages: o.maxMessages ?? 1000, maxBytes: 100 * 1024 * 1024 },
      }),
    messages: (runId) => store.listMessages(runId, { order: "asc" }),
    raw: async (runId, messageId) => {
      const raw = await store.getRaw(runId, messageId);
      if (!raw) throw new Error(`no raw bytes for ${messageId}`);
      return raw;
    },
    stop: async () => {
      await service.close();
      if (!options.store) await store.close();
    },
  };
}

/** The stored bytes minus the first header field (the Received line sandmail prepends, folded). */
/** Splits off the first header field (with its folded lines); returns it unfolded and the rest. */
function firstField(raw: Buffer, name: string): { field: string; rest: Buffer } {
  const text = raw.toString("latin1");
  if (!text.startsWith(`${name}:`)) throw new Error(`stored message does not start with ${name}`);
  let end = text.indexOf("\r\n");
  while (text[end + 2] === " " || text[end + 2] === "\t") end = text.indexOf("\r\n", end + 2);
  return { field: text.slice(0, end).replace(/\r\n[ \t]/g, " "), rest: raw.subarray(end + 2) };
}

/** The stored message starts with sandmail's Authentication-Results, then its Received header. */
export function withoutReceived(raw: Buffer): { authResults: string; received: string; rest: Buffer } {
  const auth = firstField(raw, "Authentication-Results");
  const received = firstField(auth.rest, "Received");
  return { authResults: auth.field, received: received.field, rest: received.rest };
}
