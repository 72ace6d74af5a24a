import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../services/sandbox/bin/sandmail.js", import.meta.url));

export interface ServerProcess {
  pid: number;
  smtpPort: number;
  smtpsPort: number;
  apiPort: number;
  imapPort?: number;
  apiUrl: string;
  /** Peak resident set size of the server process so far, in bytes (VmHWM). */
  peakRss(): number;
  rss(): number;
  stop(): Promise<void>;
}

function procStatus(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Starts `sandmail serve` as its own process on free ports, so the load generator does not share its CPU. */
export async function startServerProcess(
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [bin, "serve", ...args], {
    env: {
      ...process.env,
      SANDMAIL_SMTP_PORT: "0",
      SANDMAIL_SMTPS_PORT: "0",
      SANDMAIL_IMAP_PORT: "0",
      SANDMAIL_IMAPS_PORT: "0",
      SANDMAIL_API_PORT: "0",
      SANDMAIL_LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/Create a run:|API: /.test(out) && /\n\s*$/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const smtp = /SMTP: \S+?:(\d+) \(STARTTLS\)\s+\S+?:(\d+) \(TLS\)/.exec(ready);
  const api = /API: +(http:\/\/\S+?:(\d+))/.exec(ready);
  const imap = /IMAP: \S+?:(\d+)/.exec(ready);
  if (!api) throw new Error(`could not read the API port from:\n${ready}`);
  const pid = child.pid ?? 0;
  return {
    pid,
    smtpPort: Number(smtp?.[1] ?? 0),
    smtpsPort: Number(smtp?.[2] ?? 0),
    apiPort: Number(api[2]),
    ...(imap ? { imapPort: Number(imap[1]) } : {}),
    apiUrl: api[1] ?? "",
    peakRss: () => procStatus(pid, "VmHWM"),
    rss: () => procStatus(pid, "VmRSS"),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function createRun(
  apiUrl: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string; domain: string }> {
  const res = await fetch(`${apiUrl}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /v1/runs: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; token: string; domain: string };
}
