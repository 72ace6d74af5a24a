import { spawn } from "node:child_process";

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and collects its output; never rejects (the caller asserts on it). */
export function exec(
  command: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeout?: number;
    input?: string;
    /** Its own process group (id = its pid), for commands that leave processes behind to be ended. */
    detached?: boolean;
  } = {},
): Promise<ExecResult & { pid?: number | undefined }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: options.timeout ?? 60_000,
      detached: options.detached ?? false,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", (err) => resolve({ code: -1, stdout, stderr: `${stderr}${err.message}` }));
    child.once("close", (code) => resolve({ code, stdout, stderr, pid: child.pid }));
    child.stdin.end(options.input ?? "");
  });
}
