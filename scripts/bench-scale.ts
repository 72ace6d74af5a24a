/**
 * Reads that should not grow with the run: one MemoryStore server, one run filled to 1,000, then
 * 10,000, then 100,000 messages (all to one inbox, plus one early message to another), and at
 * each size the median of several requests for: the first page of the list, the list filtered
 * to the other inbox (`inbox=`), a wait with no match (`timeout=1`; the first one scans the
 * history, later ones start from where it stopped; and the server's CPU for a first wait with new
 * criteria, which reads every message once), IMAP SELECT of the big INBOX and FETCH 1:*
 * FLAGS over it. Flat rows stay flat; rows that must touch every message (FETCH FLAGS) grow.
 */

import { cpuMicros } from "./lib/cpu.js";
import { ImapLine } from "./lib/imap-line.js";
import { createRun, type ServerProcess, startServerProcess } from "./lib/server.js";
import { openSmtp, sampleMessage } from "./lib/smtp-load.js";
import { summarize, table } from "./lib/stats.js";

const SIZES = [1_000, 10_000, 100_000];
const FRESH_WAITS = 5;

async function fill(server: ServerProcess, to: string, from: number, until: number): Promise<void> {
  let next = from;
  const worker = async () => {
    const conn = await openSmtp("127.0.0.1", server.ports.smtp!);
    for (let i = next++; i < until; i = next++) await conn.send("app@example.com", to, sampleMessage(i, to));
    await conn.close();
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

async function median(reps: number, work: () => Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await work();
    samples.push(performance.now() - t0);
  }
  return summarize(samples).median;
}

export async function benchScale(options: { quick?: boolean } = {}): Promise<void> {
  const sizes = options.quick ? [500, 2_000] : SIZES;
  const server = await startServerProcess({ env: { SANDMAIL_RUN_MAX_MESSAGES: "250000" } });
  const rows: Array<Record<string, string | number>> = [];
  try {
    const run = await createRun(server.apiUrl);
    const auth = { authorization: `Bearer ${run.token}` };
    const big = `bench@${run.domain}`;
    const rare = `rare@${run.domain}`;
    const get = async (path: string, status: number) => {
      const res = await fetch(`${server.apiUrl}/v1/runs/${run.id}${path}`, { headers: auth });
      await res.arrayBuffer();
      if (res.status !== status) throw new Error(`${path}: ${res.status}`);
    };
    await fill(server, rare, 0, 1);
    let stored = 1;
    for (const size of sizes) {
      await fill(server, big, stored, size);
      stored = size;
      const imap = await ImapLine.open(server.ports.imap!);
      await imap.command(`LOGIN ${big} ${run.token}`);
      const firstWait = await median(1, () => get("/messages/wait?subject=no-such-subject&timeout=1", 408));
      // The server's CPU for a first wait over the whole run: criteria no wait used before, each
      // scanning every message once (/proc counts in 10 ms ticks, hence several).
      const cpu0 = cpuMicros(server.pid);
      for (let i = 0; i < FRESH_WAITS; i++)
        await get(`/messages/wait?subject=no-such-subject-${size}-${i}&timeout=1`, 408);
      const freshCpu = (cpuMicros(server.pid) - cpu0) / 1000 / FRESH_WAITS;
      rows.push({
        messages: size.toLocaleString("en"),
        "first page": (await median(15, () => get("/messages?limit=50", 200))).toFixed(2),
        "inbox= filter": (await median(15, () => get(`/messages?inbox=${rare}&limit=50`, 200))).toFixed(2),
        "wait, no match (first)": firstWait.toFixed(2),
        "first, whole run (server CPU)": freshCpu.toFixed(1),
        "wait, no match (again)": (
          await median(15, () => get("/messages/wait?subject=no-such-subject&timeout=1", 408))
        ).toFixed(2),
        SELECT: (await median(7, () => imap.command("SELECT INBOX").then(() => {}))).toFixed(2),
        "FETCH 1:* FLAGS": (await median(5, () => imap.command("FETCH 1:* (FLAGS)").then(() => {}))).toFixed(
          2,
        ),
      });
      imap.close();
    }
  } finally {
    await server.stop();
  }
  console.log("\nReads as a run grows (MemoryStore; median ms over 5-15 requests, client wall time)");
  console.log(table(rows));
}
