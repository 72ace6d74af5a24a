/**
 * SMTP ingest with protocol transcripts on (the default) against off (SANDMAIL_TRANSCRIPT_SESSIONS=0):
 * the issue asks for throughput within 5%. Two server processes on the memory store, measured in
 * alternating rounds (on, off, on, off...) so that the machine's load drifts over both alike; per
 * mode the median of the rounds. `per-connection` is the transcripts' worst case (every message is a
 * session of its own, kept in the run's ring when it ends); `nodemailer` is a pooled application.
 */
import { loadavg } from "node:os";
import { round } from "./bench-smtp.js";
import { createRun, type ServerProcess, startServerProcess } from "./lib/server.js";
import { table } from "./lib/stats.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export async function benchTranscripts(options: { quick?: boolean } = {}): Promise<void> {
  const servers: Record<"on" | "off", ServerProcess> = {
    on: await startServerProcess({ env: {} }),
    off: await startServerProcess({ env: { SANDMAIL_TRANSCRIPT_SESSIONS: "0" } }),
  };
  try {
    const runs = {
      on: await createRun(servers.on.apiUrl),
      off: await createRun(servers.off.apiUrl),
    };
    for (const side of ["on", "off"] as const)
      await round(servers[side], runs[side].domain, "pooled", 4, 500);
    const rounds = options.quick ? 1 : 5;
    const total = options.quick ? 300 : 1000;
    const rows: Array<Record<string, string | number>> = [];
    for (const mode of ["per-connection", "nodemailer"] as const) {
      const rate = { on: [] as number[], off: [] as number[] };
      const cpu = { on: [] as number[], off: [] as number[] };
      for (let i = 0; i < rounds; i++) {
        // Which side goes first alternates too.
        for (const side of i % 2 ? (["off", "on"] as const) : (["on", "off"] as const)) {
          const r = await round(servers[side], runs[side].domain, mode, 10, total);
          rate[side].push(r.rate);
          cpu[side].push(r.cpuPerMessage);
        }
      }
      rows.push({
        client: mode,
        concurrency: 10,
        rounds: `${rounds} x ${total}`,
        "msg/s on": Math.round(median(rate.on)),
        "msg/s off": Math.round(median(rate.off)),
        "on / off": (median(rate.on) / median(rate.off)).toFixed(3),
        "CPU us/msg on": Math.round(median(cpu.on)),
        "CPU us/msg off": Math.round(median(cpu.off)),
        load: loadavg()[0]?.toFixed(1) ?? "",
      });
    }
    const kept = await fetch(`${servers.on.apiUrl}/v1/runs/${runs.on.id}/sessions`, {
      headers: { authorization: `Bearer ${runs.on.token}` },
    });
    const sessions = ((await kept.json()) as { sessions: unknown[] }).sessions.length;
    if (sessions === 0) throw new Error("transcripts on, yet the run kept no session");
    console.log(
      "\nSMTP ingest with transcripts on vs off (memory store, ~2 KB messages, medians of alternating rounds; " +
        `the 'on' run kept ${sessions} sessions; load = 1-minute load average at the end)`,
    );
    console.log(table(rows));
  } finally {
    await Promise.all([servers.on.stop(), servers.off.stop()]);
  }
}
