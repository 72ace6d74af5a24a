import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./redis-server.js";

/** A spam engine the test started on a free loopback port, stopped by `stop()`. */
export interface TestSpamEngine {
  readonly address: string;
  stop(): Promise<void>;
}

async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  child: ChildProcess,
  log: () => string,
) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${log()}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start within 90 s:\n${log()}`);
}

function stopper(child: ChildProcess, dir: string) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    });
}

function spawnLogged(command: string, args: string[]) {
  let log = "";
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("error", (err) => {
    log += `\n${command}: ${err.message} (install the Debian package: .ci/run does)`;
  });
  return { child, log: () => log };
}

/** spamd answers PING with PONG once its rules are compiled. */
function spamdPong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("connect", () => socket.end("PING SPAMC/1.5\r\n\r\n"));
    socket.on("end", () => resolve(answer.includes("PONG")));
    socket.on("error", () => resolve(false));
  });
}

/** SpamAssassin's spamd from Debian's `spamd` package, local tests only (no network rules). */
export async function startSpamd(): Promise<TestSpamEngine> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "sandmail-spamd-"));
  const { child, log } = spawnLogged("spamd", [
    "--local",
    `--listen=127.0.0.1:${port}`,
    "--allowed-ips=127.0.0.1",
    "--min-children=1",
    "--max-children=2",
    "--nouser-config",
    `--pidfile=${join(dir, "spamd.pid")}`,
    "--syslog=stderr",
    "--username=nobody",
  ]);
  await waitUntil(() => spamdPong(port), "spamd", child, log);
  return { address: `127.0.0.1:${port}`, stop: stopper(child, dir) };
}

/**
 * rspamd from Debian's `rspamd` package with a throwaway config directory: its own ports, no
 * DNS, a three-entry TLD list and no hyperscan, so it starts in seconds instead of a minute.
 */
export async function startRspamd(): Promise<TestSpamEngine> {
  const [normal, controller, proxy] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "sandmail-rspamd-"));
  const local = join(dir, "local.d");
  for (const sub of ["local.d", "db", "run", "log"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "tld.dat"), "com\ntest\nexample\n");
  writeFileSync(join(local, "worker-normal.inc"), `bind_socket = "127.0.0.1:${normal}";\ncount = 1;\n`);
  writeFileSync(
    join(local, "worker-controller.inc"),
    `bind_socket = "127.0.0.1:${controller}";\ncount = 1;\n`,
  );
  writeFileSync(join(local, "worker-proxy.inc"), `bind_socket = "127.0.0.1:${proxy}";\ncount = 1;\n`);
  writeFileSync(join(local, "logging.inc"), 'type = "console";\nlevel = "error";\n');
  writeFileSync(
    join(local, "options.inc"),
    `dns { nameserver = ["127.0.0.1:1"]; timeout = 1s; retransmits = 1; }\nurl_tld = "${join(dir, "tld.dat")}";\ndisable_hyperscan = true;\n`,
  );
  const vars = {
    LOCAL_CONFDIR: dir,
    DBDIR: join(dir, "db"),
    RUNDIR: join(dir, "run"),
    LOGDIR: join(dir, "log"),
  };
  const { child, log } = spawnLogged("rspamd", [
    "-f",
    "-i",
    "-u",
    "root",
    "-g",
    "root",
    ...Object.entries(vars).map(([name, value]) => `--var=${name}=${value}`),
  ]);
  const url = `http://127.0.0.1:${normal}`;
  const ping = () =>
    fetch(`${url}/ping`)
      .then((res) => res.ok)
      .catch(() => false);
  await waitUntil(ping, "rspamd", child, log);
  return { address: url, stop: stopper(child, dir) };
}
