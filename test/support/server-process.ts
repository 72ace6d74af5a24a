import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { sandmailArgs } from "./cli.js";

export interface ServerPorts {
  smtp?: number;
  smtps?: number;
  imap?: number;
  imaps?: number;
  pop3?: number;
  pop3s?: number;
  api?: number;
}

/** `sandmail serve` in a process of its own, as a deployment runs it. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly ports: ServerPorts;
  /** http://127.0.0.1:<api port>, when the process runs the API. */
  readonly apiUrl: string;
  /** Peak resident set size so far, in bytes (VmHWM). */
  peakRss(): number;
  rss(): number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

function procStatus(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Reads the ports from the start-up banner (the lines `SMTP: host:port (STARTTLS)  host:port (TLS)` ...). */
export function portsFromBanner(banner: string): ServerPorts {
  const ports: ServerPorts = {};
  const pair = (label: string) =>
    new RegExp(`${label}: \\S+?:(\\d+) \\((?:STARTTLS|STLS)\\)\\s+\\S+?:(\\d+) \\(TLS\\)`).exec(banner);
  const smtp = pair("SMTP");
  if (smtp) [ports.smtp, ports.smtps] = [Number(smtp[1]), Number(smtp[2])];
  const imap = pair("IMAP");
  if (imap) [ports.imap, ports.imaps] = [Number(imap[1]), Number(imap[2])];
  const pop3 = pair("POP3");
  if (pop3) [ports.pop3, ports.pop3s] = [Number(pop3[1]), Number(pop3[2])];
  const api = /API: +http:\/\/\S+?:(\d+)/.exec(banner);
  if (api) ports.api = Number(api[1]);
  return ports;
}

/**
 * Starts `sandmail serve` on free ports (port 0) with the given front ends and environment, and
 * resolves once its banner has named the ports.
 */
export async function startServerProcess(
  options: {
    services?: string;
    env?: Record<string, string>;
    /** Node arguments naming the command; default: the sources (test/support/cli.ts). */
    command?: readonly string[];
  } = {},
): Promise<ServerProcess> {
  const command = options.command ?? sandmailArgs;
  const args = [...command, "serve", ...(options.services ? ["--services", options.services] : [])];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      SANDMAIL_SMTP_PORT: "0",
      SANDMAIL_SMTPS_PORT: "0",
      SANDMAIL_IMAP_PORT: "0",
      SANDMAIL_IMAPS_PORT: "0",
      SANDMAIL_POP3_PORT: "0",
      SANDMAIL_POP3S_PORT: "0",
      SANDMAIL_API_PORT: "0",
      SANDMAIL_LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "inherit", "pipe"],
  });
  const banner = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => {
      // Not left running: nothing else holds it, and a busy machine keeps starting more.
      child.kill("SIGKILL");
      reject(new Error(`server did not start:\n${text}`));
    }, 60_000);
    // The banner goes to stderr; stdout carries the log lines.
    child.stderr?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      // The banner is one write: once it has begun and ended with a line break, it is complete.
      if (text.includes("sandmail is running") && text.endsWith("\n")) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${text}`));
    });
  });
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  const pid = child.pid ?? 0;
  const ports = portsFromBanner(banner);
  return {
    child,
    pid,
    ports,
    apiUrl: ports.api === undefined ? "" : `http://127.0.0.1:${ports.api}`,
    peakRss: () => procStatus(pid, "VmHWM"),
    rss: () => procStatus(pid, "VmRSS"),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
