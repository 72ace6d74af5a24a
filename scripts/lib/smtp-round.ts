/**
 * One round of SMTP load against a server (`pnpm bench smtp` and the benches built on it): its
 * clients, the figures it yields and the row they make in a table, and the check that the server
 * stored what it answered 250 for.
 */
import { loadavg } from "node:os";
import nodemailer from "nodemailer";
import { cpuMicros } from "./cpu.js";
import type { ServerProcess } from "./server.js";
import { openSmtp, sampleMessage } from "./smtp-load.js";
import { ms, summarize } from "./stats.js";

export type Mode = "pooled" | "per-connection" | "nodemailer";

export async function countMessages(
  server: ServerProcess,
  run: { id: string; token: string },
): Promise<number> {
  const res = await fetch(`${server.apiUrl}/v1/runs/${run.id}`, {
    headers: { authorization: `Bearer ${run.token}` },
  });
  const body = (await res.json()) as { counts?: { messages: number } };
  return body.counts?.messages ?? Number.NaN;
}

export async function round(
  server: ServerProcess,
  domain: string,
  mode: Mode,
  concurrency: number,
  total: number,
  /** Another process whose CPU time the messages cost (the redis-server of a RedisStore). */
  storePid?: number,
  /**
   * A `performance.now()` time after which no message is begun: a round of fixed length, so two
   * rounds run side by side cover the same stretch of time. Figures are then per message sent.
   */
  until?: number,
) {
  let next = 0;
  const more = (i: number) => i < total && (until === undefined || performance.now() < until);
  const latencies: number[] = [];
  const to = `bench@${domain}`;
  const mailer =
    mode === "nodemailer"
      ? nodemailer.createTransport({
          host: "127.0.0.1",
          port: server.ports.smtp,
          secure: false,
          ignoreTLS: true,
          pool: true,
          maxConnections: concurrency,
          maxMessages: Number.POSITIVE_INFINITY,
        })
      : undefined;
  const worker = async () => {
    if (mailer) {
      for (let i = next++; more(i); i = next++) {
        const t0 = performance.now();
        await mailer.sendMail({ envelope: { from: "app@example.com", to: [to] }, raw: sampleMessage(i, to) });
        latencies.push(performance.now() - t0);
      }
    } else if (mode === "pooled") {
      const conn = await openSmtp("127.0.0.1", server.ports.smtp!);
      for (let i = next++; more(i); i = next++) {
        const t0 = performance.now();
        await conn.send("app@example.com", to, sampleMessage(i, to));
        latencies.push(performance.now() - t0);
      }
      await conn.close();
    } else {
      for (let i = next++; more(i); i = next++) {
        const t0 = performance.now();
        const conn = await openSmtp("127.0.0.1", server.ports.smtp!);
        await conn.send("app@example.com", to, sampleMessage(i, to));
        latencies.push(performance.now() - t0);
        void conn.close();
      }
    }
  };
  const cpu0 = cpuMicros(server.pid);
  const storeCpu0 = storePid === undefined ? 0 : cpuMicros(storePid);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  // Every message sent has its latency (a failed one throws): as many as `total` unless `until` cut the round short.
  const sent = latencies.length;
  const cpuPerMessage = (cpuMicros(server.pid) - cpu0) / sent;
  const storeCpuPerMessage = storePid === undefined ? undefined : (cpuMicros(storePid) - storeCpu0) / sent;
  mailer?.close();
  return { sent, rate: sent / seconds, cpuPerMessage, storeCpuPerMessage, ...summarize(latencies) };
}

/** The columns a round gives a table row: rate, CPU per message (the server's, redis-server's), load, latency. */
export function roundColumns(r: Awaited<ReturnType<typeof round>>): Record<string, string | number> {
  return {
    "msg/s": Math.round(r.rate),
    "server CPU us/msg": Math.round(r.cpuPerMessage),
    "redis-server CPU us/msg": r.storeCpuPerMessage === undefined ? "" : Math.round(r.storeCpuPerMessage),
    load: loadavg()[0]?.toFixed(1) ?? "",
    "median session": ms(r.median),
    p99: ms(r.p99),
  };
}

/** The client a mode names in tables. */
export const clientOf = (mode: Mode): string => (mode === "nodemailer" ? "nodemailer" : "pipelining");
