/**
 * Start-up cost of the compiled `sandmail` (dist/, as `npx sandmail` runs it), each figure beside
 * plain Node's on the same machine in the same run:
 *  - `sandmail --help` wall time vs `node -e 0` (target: under 3x);
 *  - spawn of `sandmail serve` to the first `/readyz` 200 (target: within 1 s);
 *  - the idle server's RSS once ready vs an idle `node` (target: under 90 MiB).
 * Needs `pnpm build` first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/support/redis-server.js";
import { cpuMicros } from "./lib/cpu.js";
import { mib, ms, summarize, table } from "./lib/stats.js";

const bin = fileURLToPath(new URL("../apps/sandmail/bin/sandmail.js", import.meta.url));
const dist = fileURLToPath(new URL("../apps/sandmail/dist/cli.js", import.meta.url));

/** An environment without the caller's sandmail settings or loaders (pnpm bench runs under tsx). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(SANDMAIL_|REDIS_URL$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  return { ...env, ...extra };
}

function wallTime(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: "ignore", env: cleanEnv() });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(" ")} exited ${code}`)),
    );
  });
}

const rssOf = (pid: number): number => {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
};

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

/** Spawns a server, polls /readyz until 200; the time to it, and the RSS after `settleMs` idle. */
async function serveOnce(settleMs: number): Promise<{ readyMs: number; cpuMs: number; rss: number }> {
  const apiPort = await freePort();
  const ports = ["SMTP", "SMTPS", "IMAP", "IMAPS", "POP3", "POP3S"].map((p) => [`SANDMAIL_${p}_PORT`, "0"]);
  const start = performance.now();
  const child = spawn(process.execPath, [bin, "serve"], {
    stdio: "ignore",
    env: cleanEnv({ ...Object.fromEntries(ports), SANDMAIL_API_PORT: String(apiPort) }),
  });
  try {
    let readyMs = Number.NaN;
    let cpuMs = Number.NaN;
    while (child.exitCode === null) {
      const ok = await fetch(`http://127.0.0.1:${apiPort}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        readyMs = performance.now() - start;
        cpuMs = cpuMicros(child.pid ?? 0) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    if (Number.isNaN(readyMs)) throw new Error(`sandmail serve exited ${child.exitCode} before ready`);
    await new Promise((r) => setTimeout(r, settleMs));
    return { readyMs, cpuMs, rss: rssOf(child.pid ?? 0) };
  } finally {
    await stop(child);
  }
}

/** CPU time (user + system) `node -e 0` uses, as it reports it at its end: what start-up costs Node. */
function nodeCpuMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const script = "const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000))";
    const child = spawn(process.execPath, ["-e", script], {
      stdio: ["ignore", "pipe", "ignore"],
      env: cleanEnv(),
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("error", reject);
    child.once("close", () => resolve(Number(out)));
  });
}

/** RSS of a Node process doing nothing, for comparison. */
async function idleNodeRss(settleMs: number): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, settleMs));
  const rss = rssOf(child.pid ?? 0);
  await stop(child);
  return rss;
}

export async function benchStartup(options: { quick?: boolean } = {}): Promise<void> {
  if (!existsSync(dist)) throw new Error("apps/sandmail/dist is missing: run `pnpm build` first");
  const rounds = options.quick ? 3 : 15;
  const serveRounds = options.quick ? 1 : 5;
  const settleMs = options.quick ? 300 : 2000;
  const load = loadavg().map((l) => l.toFixed(2));

  await wallTime(["-e", "0"]); // warm the file cache for both
  await wallTime([bin, "--help"]);
  const nodeMs: number[] = [];
  const helpMs: number[] = [];
  // Interleaved, so a change of load touches both alike.
  for (let i = 0; i < rounds; i++) {
    nodeMs.push(await wallTime(["-e", "0"]));
    helpMs.push(await wallTime([bin, "--help"]));
  }
  const versionMs: number[] = [];
  for (let i = 0; i < rounds; i++) versionMs.push(await wallTime([bin, "--version"]));
  const nodeCpu: number[] = [];
  for (let i = 0; i < rounds; i++) nodeCpu.push(await nodeCpuMs());
  const ready: number[] = [];
  const readyCpu: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < serveRounds; i++) {
    const once = await serveOnce(settleMs);
    ready.push(once.readyMs);
    readyCpu.push(once.cpuMs);
    rss.push(once.rss);
  }
  const nodeRss = await idleNodeRss(settleMs);

  const node = summarize(nodeMs).median;
  const help = summarize(helpMs).median;
  const readyMedian = summarize(ready).median;
  const rssMedian = summarize(rss).median;
  console.log(`load average ${load.join(" ")}; ${rounds} rounds (${serveRounds} server starts)`);
  console.log(
    table([
      { what: "node -e 0", median: ms(node), vs: "1.00x", target: "" },
      { what: "sandmail --help", median: ms(help), vs: `${(help / node).toFixed(2)}x`, target: "< 3x" },
      {
        what: "sandmail --version",
        median: ms(summarize(versionMs).median),
        vs: `${(summarize(versionMs).median / node).toFixed(2)}x`,
        target: "",
      },
      // CPU time is what a busy machine does not inflate much: wall time there is mostly waiting.
      { what: "node -e 0, CPU time", median: ms(summarize(nodeCpu).median), vs: "1.00x", target: "" },
      {
        what: "serve: CPU time to /readyz 200",
        median: ms(summarize(readyCpu).median),
        vs: `${(summarize(readyCpu).median / summarize(nodeCpu).median).toFixed(1)}x`,
        target: "",
      },
      {
        what: "serve: spawn -> /readyz 200",
        median: ms(readyMedian),
        vs: `${(readyMedian / node).toFixed(1)}x`,
        target: "< 1000 ms",
      },
      { what: "idle node (setInterval)", median: mib(nodeRss), vs: "1.00x", target: "" },
      {
        what: `serve: idle RSS ${settleMs} ms after ready`,
        median: mib(rssMedian),
        vs: `${(rssMedian / nodeRss).toFixed(2)}x`,
        target: "< 90 MiB",
      },
    ]),
  );
}
