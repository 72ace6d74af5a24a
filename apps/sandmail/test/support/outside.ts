import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type ExecResult, exec as run } from "../../../../test/support/exec.js";
import { portsFromBanner, type ServerPorts } from "../../../../test/support/server-process.js";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * The environment of a shell outside this workspace: no workspace node_modules/.bin on PATH, no
 * variables pnpm or vitest set for their children, no loader in NODE_OPTIONS.
 */
export function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|pnpm_|VITEST|NODE_OPTIONS$|NODE_PATH$|INIT_CWD$|SANDMAIL_|REDIS_URL$)/.test(key))
      continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => dir && !dir.startsWith(repoRoot) && !dir.includes("/node_modules/"))
    .join(":");
  return { ...env, ...extra };
}

/** Runs a command outside the workspace (see outsideEnv) to its end. */
export function exec(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number; input?: string; detached?: boolean },
): Promise<ExecResult & { pid?: number | undefined }> {
  return run(command, args, { ...options, env: options.env ?? outsideEnv() });
}

export interface Server {
  readonly child: ChildProcess;
  readonly ports: ServerPorts;
  readonly apiUrl: string;
  /** Everything the process wrote so far. */
  readonly output: () => { stdout: string; stderr: string };
  /** SIGTERM to the process group (npx and the server under it); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a server command in its own process group and resolves once its banner named the ports. */
export async function startServer(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Server> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${stdout}\n${stderr}`)), 30_000);
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/API: +http:\S+/.test(stderr) && stderr.endsWith("\n")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  const ports = portsFromBanner(stderr);
  return {
    child,
    ports,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    output: () => ({ stdout, stderr }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid)
        process.kill(-child.pid, "SIGTERM");
      return exited;
    },
  };
}

/** Port 0 for every listener: the kernel picks free ones, the banner names them. */
export const freePorts = {
  SANDMAIL_SMTP_PORT: "0",
  SANDMAIL_SMTPS_PORT: "0",
  SANDMAIL_IMAP_PORT: "0",
  SANDMAIL_IMAPS_PORT: "0",
  SANDMAIL_API_PORT: "0",
  SANDMAIL_POP3_PORT: "0",
  SANDMAIL_POP3S_PORT: "0",
};
