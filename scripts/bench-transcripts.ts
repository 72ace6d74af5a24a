/**
 * SMTP ingest with protocol transcripts on (the default) against off (SANDMAIL_TRANSCRIPT_SESSIONS=0):
 * the issue asks for throughput within 5%. Two server processes on the memory store, loaded in pairs
 * of rounds that run side by side for the same few seconds, so a pair sees one machine state on both
 * sides. Per pair the ratio on/off of throughput and of the server's CPU time per message; the
 * figures are the medians of the pairs' ratios with their interquartile range. On a shared machine
 * throughput follows whatever else runs; CPU per message much less, so it is the figure that
 * carries (the two agree when the servers, not the load generator, are the bottleneck).
 * `per-connection` is the transcripts' worst case (every message is a session of its own, kept in
 * the run's ring when it ends); `nodemailer` is a pooled application.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { cpuMicros } from "./lib/cpu.js";
import { createRun, type ServerProcess, startServerProcess } from "./lib/server.js";
import { round } from "./lib/smtp-round.js";
import { percentile, table } from "./lib/stats.js";

/** The bound: on within 5% of off. */
const TARGET = 0.05;

/**
 * CPU time of a process's threads, from each thread's schedstat (nanoseconds): /proc/<pid>/stat
 * counts in 10 ms ticks, ±1-2% of a round, a third of the effect measured. A thread that ended
 * between two readings takes its time with it: then (threads differ) the ticks are used instead.
 */
function cpuReading(pid: number): { threads: string; micros: number; tickMicros: number } {
  const tids = readdirSync(`/proc/${pid}/task`);
  let ns = 0;
  for (const tid of tids)
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
  return { threads: tids.sort().join(), micros: ns / 1000, tickMicros: cpuMicros(pid) };
}

function cpuSince(pid: number, before: ReturnType<typeof cpuReading>): number {
  const now = cpuReading(pid);
  return now.threads === before.threads ? now.micros - before.micros : now.tickMicros - before.tickMicros;
}

const quartiles = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p25: percentile(sorted, 25), median: percentile(sorted, 50), p75: percentile(sorted, 75) };
};

const load = () => loadavg()[0]?.toFixed(1) ?? "";

export async function benchTranscripts(options: { quick?: boolean } = {}): Promise<void> {
  const servers: Record<"on" | "off", ServerProcess> = {
    on: await startServerProcess({ env: {} }),
    off: await startServerProcess({ env: { SANDMAIL_TRANSCRIPT_SESSIONS: "0" } }),
  };
  try {
    let runs = {
      on: await createRun(servers.on.apiUrl),
      off: await createRun(servers.off.apiUrl),
    };
    // Each pair gets fresh runs: on a quiet machine 15 pairs send more than a run may hold
    // (SANDMAIL_RUN_MAX_MESSAGES), and the stores stay the same size on both sides.
    const freshRuns = async () => {
      for (const side of ["on", "off"] as const) {
        await fetch(`${servers[side].apiUrl}/v1/runs/${runs[side].id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${runs[side].token}` },
        });
      }
      runs = { on: await createRun(servers.on.apiUrl), off: await createRun(servers.off.apiUrl) };
    };
    for (const side of ["on", "off"] as const) {
      await round(servers[side], runs[side].domain, "pooled", 4, 500);
      await round(servers[side], runs[side].domain, "per-connection", 10, 300);
    }
    const keptSessions = async () => {
      const kept = await fetch(`${servers.on.apiUrl}/v1/runs/${runs.on.id}/sessions`, {
        headers: { authorization: `Bearer ${runs.on.token}` },
      });
      return ((await kept.json()) as { sessions: unknown[] }).sessions.length;
    };
    let sessions = 0;
    const pairs = options.quick ? 3 : 15;
    const seconds = options.quick ? 1 : 3;
    const rows: Array<Record<string, string | number>> = [];
    const verdicts: string[] = [];
    for (const mode of ["per-connection", "nodemailer"] as const) {
      const loadBefore = load();
      const rate = { on: [] as number[], off: [] as number[] };
      const cpu = { on: [] as number[], off: [] as number[] };
      const rateRatio: number[] = [];
      const cpuRatio: number[] = [];
      for (let i = 0; i < pairs; i++) {
        await freshRuns();
        // Both sides at once for the same stretch of time: whatever else the machine does then
        // falls on both alike (in turns, a pair's two halves saw different loads).
        const until = performance.now() + seconds * 1000;
        const [on, off] = await Promise.all(
          (["on", "off"] as const).map(async (side) => {
            const cpu0 = cpuReading(servers[side].pid);
            const r = await round(servers[side], runs[side].domain, mode, 10, 1e9, undefined, until);
            return { rate: r.rate, cpu: cpuSince(servers[side].pid, cpu0) / r.sent };
          }),
        );
        rate.on.push(on!.rate);
        rate.off.push(off!.rate);
        cpu.on.push(on!.cpu);
        cpu.off.push(off!.cpu);
        rateRatio.push(on!.rate / off!.rate);
        cpuRatio.push(on!.cpu / off!.cpu);
      }
      const rr = quartiles(rateRatio);
      const cr = quartiles(cpuRatio);
      rows.push({
        client: mode,
        pairs: `${pairs} x ${seconds} s`,
        "msg/s on": Math.round(quartiles(rate.on).median),
        "msg/s off": Math.round(quartiles(rate.off).median),
        "msg/s on/off [IQR]": `${rr.median.toFixed(3)} [${rr.p25.toFixed(3)}-${rr.p75.toFixed(3)}]`,
        "CPU us/msg on": Math.round(quartiles(cpu.on).median),
        "CPU us/msg off": Math.round(quartiles(cpu.off).median),
        "CPU on/off [IQR]": `${cr.median.toFixed(3)} [${cr.p25.toFixed(3)}-${cr.p75.toFixed(3)}]`,
        load: `${loadBefore}-${load()}`,
      });
      // Read while the last pair's runs exist: every message of a per-connection round is a session.
      if (mode === "per-connection") sessions = await keptSessions();
      const cpuOk = cr.median <= 1 + TARGET;
      const rateOk = rr.median >= 1 - TARGET;
      verdicts.push(
        `${mode}: CPU per message ${cpuOk ? "within" : "NOT within"} 5% (median ${cr.median.toFixed(3)}), ` +
          `throughput ${rateOk ? "within" : "NOT within"} 5% (median ${rr.median.toFixed(3)})`,
      );
    }
    console.log(
      "\nSMTP ingest with transcripts on vs off (memory store, ~2 KB messages, concurrency 10 each; pairs of " +
        "simultaneous rounds, each ratio the median of the pairs' ratios [interquartile range]; " +
        `CPU is the server's, all threads; the 'on' run kept ${sessions} sessions; load = 1-minute load ` +
        "average before-after)",
    );
    console.log(table(rows));
    for (const v of verdicts) console.log(v);
    if (sessions === 0) throw new Error("transcripts on, yet the run kept no session");
  } finally {
    await Promise.all([servers.on.stop(), servers.off.stop()]);
  }
}
