/**
 * SMTP ingest throughput and latency, for both stores: messages/second at concurrency 1, 10 and
 * 50, with two clients: `pipelining` (scripts/lib/smtp-load.ts: MAIL, RCPT and DATA in one write,
 * pooled or one connection per message) and `nodemailer` (pooled, one command per round trip, as
 * applications send), plus the server's CPU time per message (user + system from /proc, over
 * the round's messages) and the peak RSS of a server holding 100,000 messages. The server runs
 * in its own process; every message is checked as stored through the API at the end of each round.
 */
import { startRedisServer } from "../test/support/redis-server.js";
import { benchRedisRatio } from "./bench-redis-ratio.js";
import { createRun, startServerProcess } from "./lib/server.js";
import { sampleMessage } from "./lib/smtp-load.js";
import { clientOf, countMessages, round, roundColumns } from "./lib/smtp-round.js";
import { mib, table } from "./lib/stats.js";

/**
 * `focus`: only the memory store at concurrency 10 with both pooled clients, three rounds each
 * (the figures the README quotes, without the full matrix); with `redis`, both stores side by side
 * for the RedisStore's ratio (bench-redis-ratio.ts).
 */
export async function benchSmtp(
  options: { quick?: boolean; focus?: boolean; redis?: boolean } = {},
): Promise<void> {
  const redis = await startRedisServer();
  const rows: Array<Record<string, string | number>> = [];
  try {
    if (options.focus && options.redis) {
      await benchRedisRatio(redis, options);
      return;
    }
    const stores = options.focus ? (["memory"] as const) : (["memory", "redis"] as const);
    for (const store of stores) {
      const server = await startServerProcess({ env: store === "redis" ? { REDIS_URL: redis.url } : {} });
      try {
        const run = await createRun(server.apiUrl);
        let sent = 0;
        // Warm up the JIT and the connection paths before measuring.
        await round(server, run.domain, "pooled", 4, 500);
        sent += 500;
        const modes = options.focus
          ? (["nodemailer", "pooled", "nodemailer", "pooled", "nodemailer", "pooled"] as const)
          : (["pooled", "per-connection", "nodemailer"] as const);
        for (const mode of modes) {
          for (const concurrency of options.focus ? [10] : [1, 10, 50]) {
            const total = options.quick ? 300 : concurrency === 1 ? 1500 : 5000;
            const r = await round(
              server,
              run.domain,
              mode,
              concurrency,
              total,
              store === "redis" ? redis.pid : undefined,
            );
            sent += total;
            rows.push({
              store,
              client: clientOf(mode),
              mode: mode === "nodemailer" ? "pooled" : mode,
              concurrency,
              messages: total,
              ...roundColumns(r),
            });
          }
        }
        const stored = await countMessages(server, run);
        if (stored !== sent) throw new Error(`${store}: sent ${sent} with 250, API shows ${stored}`);
      } finally {
        await server.stop();
      }
    }
    // The RedisStore against the MemoryStore in the same run (issue: at least 0.8x), round for
    // round when a configuration is measured more than once.
    const sameConfig = (a: Record<string, string | number>, b: Record<string, string | number>) =>
      a.client === b.client && a.mode === b.mode && a.concurrency === b.concurrency;
    for (const row of rows) {
      if (row.store !== "redis") {
        row["redis / memory"] = "";
        continue;
      }
      const nth = rows.filter((r) => r.store === "redis" && sameConfig(r, row)).indexOf(row);
      const memory = rows.filter((r) => r.store === "memory" && sameConfig(r, row))[nth];
      if (memory) row["redis / memory"] = (Number(row["msg/s"]) / Number(memory["msg/s"])).toFixed(2);
    }
    console.log(
      "\nSMTP ingest (~2 KB messages; session = connect or MAIL FROM to the 250 after DATA; server CPU = " +
        "user + system time of the server process over the round's messages; load = 1-minute load average at the end)",
    );
    console.log(table(rows));
  } finally {
    await redis.stop();
  }
  if (!options.focus) await benchMemory(options);
}

/** Peak RSS of a MemoryStore server after 100,000 messages (`pnpm bench memory` alone). */
export async function benchMemory(options: { quick?: boolean } = {}): Promise<void> {
  const total = options.quick ? 5000 : 100_000;
  const server = await startServerProcess({ env: { SANDMAIL_RUN_MAX_MESSAGES: String(total * 2) } });
  try {
    const run = await createRun(server.apiUrl);
    const idle = server.rss();
    await round(server, run.domain, "pooled", 10, total);
    const stored = await countMessages(server, run);
    if (stored !== total) throw new Error(`RSS round: sent ${total}, stored ${stored}`);
    const peak = server.peakRss();
    // Peak RSS depends on when V8 happened to collect during the flood; the settled figure is
    // what the server holds for the stored mail once ingestion is over.
    await new Promise((r) => setTimeout(r, 3000));
    const size = sampleMessage(1, "bench@x.sandmail.test").length;
    console.log(
      `\nMemory: ${total.toLocaleString("en")} messages of ~${size} B stored -> RSS ${mib(server.rss())} settled, ${mib(peak)} peak (idle server ${mib(idle)})`,
    );
  } finally {
    await server.stop();
  }
}
