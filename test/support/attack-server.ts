import { spawn } from "node:child_process";
import { expect } from "vitest";
import { loopStallUnder, type StallReport } from "./loop-delay.js";
import { imapNoopProbe, smtpGreeting } from "./probes.js";
import { probeWhile } from "./responsiveness.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

/**
 * A `sandmail serve` process under attack, with the three probes issue 13 asks for: /healthz, a
 * fresh SMTP greeting and a NOOP on a logged-in IMAP connection (its own run and inbox).
 */
export interface AttackServer {
  server: ServerProcess;
  run: { id: string; token: string; domain: string };
  probes(): Record<string, () => Promise<unknown>>;
  /**
   * `loopStallUnder` (loop-delay.ts) on this server: its event loop never held 100 ms while the
   * attack runs, and the three probes still answer meanwhile (liveness).
   */
  underAttack<T>(
    label: string,
    attack: (attempt: number) => Promise<T>,
    options?: Omit<NonNullable<Parameters<typeof loopStallUnder<T>>[3]>, "probes">,
  ): Promise<StallReport<T>>;
  stop(): Promise<void>;
}

export async function startAttackServer(env: Record<string, string> = {}): Promise<AttackServer> {
  const server = await startServerProcess({ env });
  const res = await fetch(`${server.apiUrl}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(res.status).toBe(201);
  const run = (await res.json()) as AttackServer["run"];
  const imap = await imapNoopProbe(server.ports.imap!, `probe@${run.domain}`, run.token);
  const probes = () => ({
    healthz: () => fetch(`${server.apiUrl}/healthz`).then((r) => r.text()),
    smtpGreeting: () => smtpGreeting(server.ports.smtp!),
    imapNoop: () => imap.noop(),
  });
  // Warm: the first answers of a fresh process include compiling its code paths, not the attack.
  await probeWhile(() => new Promise((r) => setTimeout(r, 300)), probes());
  return {
    server,
    run,
    probes,
    underAttack: (label, attack, options) =>
      loopStallUnder(server.apiUrl, label, attack, { ...options, probes: probes() }),
    async stop() {
      imap.close();
      await server.stop();
    },
  };
}

/**
 * Runs `source` (CommonJS, `node -e`) in a process of its own and resolves with what it printed
 * to stdout. Attacks with many sockets run there so that the probes, in the test's process, time
 * the server rather than the attacker's own work.
 */
export function runAttacker(source: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`attacker exited with ${code}: ${out}`)),
    );
  });
}
