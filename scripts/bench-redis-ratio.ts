/**
 * `pnpm bench smtp --focus --redis`: the RedisStore's ingest rate against the MemoryStore's (issue:
 * at least 0.8x), a memory server and a Redis server side by side. Both are warmed alike with both
 * clients, then their rounds alternate, the one that goes first alternating too, so each pair sees
 * the same stretch of a machine whose speed drifts: the ratio of each pair, and the median per
 * client. Run one store after the other, as before, the first pair compared a memory server still
 * compiling its nodemailer path against a Redis one measured a minute later.
 */
import type { TestRedis } from "../test/support/redis-server.js";
import { createRun, type ServerProcess, startServerProcess } from "./lib/server.js";
import { clientOf, countMessages, round, roundColumns } from "./lib/smtp-round.js";
import { summarize, table } from "./lib/stats.js";

interface Side {
  store: "memory" | "redis";
  server: ServerProcess;
  run: { id: string; token: string; domain: string };
  storePid?: number;
  sent: number;
}

const CLIENTS = ["nodemailer", "pooled"] as const;

export async function benchRedisRatio(redis: TestRedis, options: { quick?: boolean } = {}): Promise<void> {
  const pairs = options.quick ? 1 : 5;
  const total = options.quick ? 300 : 3000;
  const sides: Side[] = [];
  try {
    for (const store of ["memory", "redis"] as const) {
      const server = await startServerProcess({ env: store === "redis" ? { REDIS_URL: redis.url } : {} });
      sides.push({
        store,
        server,
        run: await createRun(server.apiUrl),
        storePid: store === "redis" ? redis.pid : undefined,
        sent: 0,
      });
    }
    for (const side of sides) {
      for (const mode of CLIENTS) {
        await round(side.server, side.run.domain, mode, 10, options.quick ? 200 : 1000);
        side.sent += options.quick ? 200 : 1000;
      }
    }
    const rows: Array<Record<string, string | number>> = [];
    const ratios: Record<(typeof CLIENTS)[number], number[]> = { nodemailer: [], pooled: [] };
    for (let pair = 1; pair <= pairs; pair++) {
      for (const mode of CLIENTS) {
        const rates: Partial<Record<Side["store"], number>> = {};
        for (const side of pair % 2 === 1 ? sides : [...sides].reverse()) {
          const r = await round(side.server, side.run.domain, mode, 10, total, side.storePid);
          side.sent += total;
          rates[side.store] = r.rate;
          rows.push({
            pair,
            client: clientOf(mode),
            store: side.store,
            ...roundColumns(r),
            "redis / memory": "",
          });
        }
        const ratio = (rates.redis ?? Number.NaN) / (rates.memory ?? Number.NaN);
        ratios[mode].push(ratio);
        const last = rows.at(-1);
        if (last) last["redis / memory"] = ratio.toFixed(2);
      }
    }
    for (const side of sides) {
      const stored = await countMessages(side.server, side.run);
      if (stored !== side.sent)
        throw new Error(`${side.store}: sent ${side.sent} with 250, API shows ${stored}`);
    }
    console.log(
      "\nSMTP ingest, RedisStore against MemoryStore, concurrency 10, rounds alternating (~2 KB messages; session = " +
        "MAIL FROM to the 250 after DATA; server CPU = user + system time of the server process over the round's " +
        "messages; load = 1-minute load average at the end)",
    );
    console.log(table(rows));
    for (const mode of CLIENTS) {
      const each = ratios[mode].map((r) => r.toFixed(2)).join(" / ");
      console.log(
        `redis / memory, ${clientOf(mode)}: median ${summarize(ratios[mode]).median.toFixed(2)} (pairs: ${each})`,
      );
    }
  } finally {
    for (const side of sides) await side.server.stop();
  }
}
