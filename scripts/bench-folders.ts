/**
 * Store-level ingest to many distinct addresses: CPU per delivery when every message goes to an
 * address the run has not met (what a new address costs at ingest: its folders, their events)
 * beside every message to one address, on both stores (Redis: the redis-server's CPU counted too),
 * 10 deliveries in flight, on the built store (`pnpm build` first). `SANDMAIL_BENCH_BASE=<checkout>`
 * runs the same rounds on that checkout's built store too: before and after from one run.
 */
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import type { MessageMeta } from "../packages/core/src/index.js";
import type { MailStore, MemoryStore, RedisStore } from "../packages/store/src/index.js";
import { startRedisServer, type TestRedis } from "../test/support/redis-server.js";
import { cpuMicros } from "./lib/cpu.js";
import { table } from "./lib/stats.js";

interface StoreModule {
  MemoryStore: typeof MemoryStore;
  RedisStore: typeof RedisStore;
}

const built = async (checkout: string): Promise<StoreModule> =>
  (await import(join(resolve(checkout), "packages/store/dist/index.js"))) as StoreModule;

const IN_FLIGHT = 10;

const body = Buffer.from(
  `From: app@example.com\r\nTo: user@example.com\r\nSubject: bench\r\n\r\n${"x".repeat(1800)}\r\n`,
);
const meta: MessageMeta = {
  summary: {
    subject: "bench",
    from: [{ name: "", address: "app@example.com" }],
    to: [{ name: "", address: "user@example.com" }],
    cc: [],
    messageId: "<bench@example.com>",
  },
  mime: {
    part: "",
    headerStart: 0,
    headerEnd: body.indexOf("\r\n\r\n") + 4,
    bodyStart: body.indexOf("\r\n\r\n") + 4,
    bodyEnd: body.length,
    contentType: "text/plain",
    params: {},
    encoding: "7bit",
    lines: 1,
    children: [],
  },
};

/**
 * CPU microseconds this process and the redis-server (when given) spend storing `n` deliveries:
 * both together, and the redis-server's part.
 */
async function ingest(
  store: MailStore,
  n: number,
  fresh: boolean,
  redis?: TestRedis,
): Promise<{ total: number; redis: number }> {
  const redisPid = redis?.pid;
  const run = await store.createRun({ ttlSeconds: 600, limits: { maxMessages: n + 10, maxBytes: 1e9 } });
  const tag = Math.random().toString(36).slice(2, 8);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const redis0 = redisPid === undefined ? 0 : cpuMicros(redisPid);
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const address = fresh ? `u${i}@${tag}.test` : `one@${tag}.test`;
      await store.appendDelivery(run.id, {
        deliveryId: `${tag}-${i}`,
        body,
        copies: [{ address, head: Buffer.from(`Received: ${i}\r\n`), meta }],
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const cpu = process.cpuUsage(cpu0);
  const redisCpu = redisPid === undefined ? 0 : cpuMicros(redisPid) - redis0;
  if ((await store.runCounts(run.id)).messages !== n) throw new Error("bench: messages missing");
  // The bench's own redis-server: emptied at once (a run of 5,000 addresses with six folders each
  // is more keys than DELETE_RUN's one call can name).
  if (redis) await redis.cli("FLUSHALL");
  else await store.deleteRun(run.id);
  return { total: cpu.user + cpu.system + redisCpu, redis: redisCpu };
}

export async function benchFolders(opts: { quick: boolean }): Promise<void> {
  const n = opts.quick ? 500 : 5000;
  const rounds = opts.quick ? 1 : 3;
  const base = process.env.SANDMAIL_BENCH_BASE;
  const builds: Array<[string, StoreModule]> = [["this checkout", await built(".")]];
  if (base) builds.push([`base (${base})`, await built(base)]);
  const redis = await startRedisServer();
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (const kind of ["memory", "redis"] as const) {
      for (const [name, mod] of builds) {
        const store: MailStore =
          kind === "memory" ? new mod.MemoryStore() : await mod.RedisStore.connect({ url: redis.url });
        const own = kind === "redis" ? redis : undefined;
        try {
          await ingest(store, Math.min(n, 1000), true, own); // warm-up
          const per = { fresh: [] as number[], one: [] as number[], redis: [] as number[] };
          for (let r = 0; r < rounds; r++) {
            const fresh = await ingest(store, n, true, own);
            per.fresh.push(fresh.total / n);
            per.redis.push(fresh.redis / n);
            per.one.push((await ingest(store, n, false, own)).total / n);
          }
          const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
          rows.push({
            store: kind,
            build: name,
            "CPU us/msg, each to a new address": median(per.fresh).toFixed(0),
            "of which redis-server": kind === "redis" ? median(per.redis).toFixed(0) : "",
            "CPU us/msg, all to one address": median(per.one).toFixed(0),
            "new/one": (median(per.fresh) / median(per.one)).toFixed(2),
          });
        } finally {
          await store.close();
        }
      }
    }
  } finally {
    await redis.stop();
  }
  console.log(
    `${n} deliveries per round, ${IN_FLIGHT} in flight, median of ${rounds}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(table(rows));
}
