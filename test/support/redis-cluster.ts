import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, redisCli } from "./redis-server.js";

/** One redis-server of a test cluster. */
export interface ClusterNodeProcess {
  readonly port: number;
  /** Up and serving (not killed). */
  readonly running: boolean;
}

/**
 * A Redis Cluster owned by the tests: 3 masters and 3 replicas (`redis-server --cluster-enabled
 * yes` on free loopback ports, joined with `redis-cli --cluster create --cluster-replicas 1`).
 */
export interface TestCluster {
  /** For REDIS_URL / RedisStore: `redis+cluster://127.0.0.1:p1,...`. */
  readonly url: string;
  readonly nodes: ClusterNodeProcess[];
  /** Port of the master that serves a key's slot right now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILL, as abrupt as a crash. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again with its cluster config: it rejoins (as a replica, after a failover). */
  restart(port: number): Promise<void>;
  /** Resolves once every slot is served and every running node says the cluster is ok. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const NODES = 6;

async function until(check: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

export async function startRedisCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "sandmail-cluster-"));
  const ports: number[] = [];
  while (ports.length < NODES) {
    const port = await freePort();
    // The cluster bus listens on port + 10000: both must be free.
    if (port < 55_000 && !ports.includes(port) && !ports.includes(port + 10_000)) ports.push(port);
  }
  const children = new Map<number, ChildProcess>();

  const launch = async (port: number) => {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        // Fail over within a couple of seconds of a master going silent.
        "--cluster-node-timeout",
        "1000",
        // A replica may take over however long it lagged (a busy test machine stalls processes).
        "--cluster-replica-validity-factor",
        "0",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
      ],
      { stdio: "ignore" },
    );
    child.once("error", (err) => {
      throw new Error(`could not start redis-server (is it installed?): ${err.message}`);
    });
    children.set(port, child);
    await until(async () => (await redisCli(port, ["PING"])) === "PONG", `redis-server on ${port}`, 10_000);
  };

  const kill = async (port: number) => {
    const child = children.get(port);
    children.delete(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };

  const clusterNodes = async (): Promise<string[][]> => {
    const alive = ports.find((p) => children.has(p)) as number;
    return (await redisCli(alive, ["CLUSTER", "NODES"])).split("\n").map((line) => line.trim().split(" "));
  };

  const cluster: TestCluster = {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`,
    nodes: ports.map((port) => ({
      port,
      get running() {
        return children.has(port);
      },
    })),
    async masterOf(key) {
      const slot = Number(
        await redisCli(ports.find((p) => children.has(p)) as number, ["CLUSTER", "KEYSLOT", key]),
      );
      for (const fields of await clusterNodes()) {
        const [, address, flags, , , , , linkState, ...slots] = fields;
        if (!flags?.includes("master") || flags.includes("fail") || linkState !== "connected") continue;
        for (const range of slots) {
          const [lo, hi = lo] = range.split("-").map(Number);
          if (lo !== undefined && hi !== undefined && slot >= lo && slot <= hi) {
            return Number(address?.split("@")[0]?.split(":")[1]);
          }
        }
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    kill,
    async restart(port) {
      await kill(port);
      await launch(port);
    },
    async waitHealthy(timeoutMs = 20_000) {
      await until(
        async () => {
          for (const port of ports) {
            if (!children.has(port)) continue;
            const info = await redisCli(port, ["CLUSTER", "INFO"]);
            if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
          }
          return true;
        },
        "the cluster to be healthy",
        timeoutMs,
      );
    },
    async stop() {
      await Promise.all(ports.map(kill));
    },
  };

  try {
    await Promise.all(ports.map(launch));
    await new Promise<void>((resolve, reject) => {
      const create = spawn(
        "redis-cli",
        [
          "--cluster",
          "create",
          ...ports.map((p) => `127.0.0.1:${p}`),
          "--cluster-replicas",
          "1",
          "--cluster-yes",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      create.stderr?.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      create.once("error", reject);
      create.once("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create failed: ${stderr}`)),
      );
    });
    await cluster.waitHealthy();
    // Every replica attached and in sync, so that a failover has somewhere to go.
    await until(
      async () => (await clusterNodes()).filter((f) => f[2]?.includes("slave") && f[3] !== "-").length === 3,
      "three replicas",
      20_000,
    );
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
