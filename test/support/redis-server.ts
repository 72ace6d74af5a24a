import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A redis-server owned by the tests, on a free loopback port, never a shared one. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** The server's process id while it runs (benchmarks read its CPU time). */
  readonly pid: number | undefined;
  /** Kills the server (SIGKILL: as abrupt as a crash). */
  stop(): Promise<void>;
  /** Starts it again on the same port: empty, unless started as persistent. */
  restart(): Promise<void>;
  /** One command through redis-cli (e.g. `CLIENT PAUSE 2000 ALL`, which stalls every other client); its reply. */
  cli(...args: string[]): Promise<string>;
}

/** Runs redis-cli against a port; resolves to its output. */
export function redisCli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("redis-cli", ["-p", String(port), ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(" ")}: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: "127.0.0.1" });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface RedisOptions {
  /**
   * Keep data across stop/restart (append-only file, fsync on every write), so a test can crash
   * Redis and check that nothing acknowledged before the crash was lost.
   */
  persistent?: boolean;
}

export async function startRedisServer(options: RedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "sandmail-redis-"));
  let child: ChildProcess | undefined;

  const launch = async () => {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--dir",
        dir,
        ...(options.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
      ],
      { stdio: "ignore" },
    );
    child.once("error", (err) => {
      throw new Error(`could not start redis-server (is it installed?): ${err.message}`);
    });
    await waitFor(() => canConnect(port), `redis-server on port ${port}`);
  };

  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
    await waitFor(async () => !(await canConnect(port)), `redis-server on port ${port} to stop`);
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    stop: kill,
    restart: async () => {
      await kill();
      await launch();
    },
    cli: (...args) => redisCli(port, args),
  };
}
