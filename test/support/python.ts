import { spawn } from "node:child_process";

/** Runs a Python 3 script (from a string) and returns its stdout; rejects with stderr on a non-zero exit. */
export function runPython(script: string, args: string[] = [], stdin?: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`python3 exited with ${code}: ${err || out}`));
    });
    child.stdin.end(stdin ?? "");
  });
}
