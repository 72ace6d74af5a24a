/**
 * Live-sync latency: the time from the SMTP 250 after DATA to the `* n EXISTS` line on an IMAP
 * session in IDLE, measured by one client process holding both connections. Two setups: one
 * all-in-one process on the MemoryStore, and SMTP and IMAP in different processes sharing a
 * Redis (the event crosses Redis pub/sub). Targets: median under 5 ms and 20 ms.
 * The store announces a message as it stores it, so EXISTS may reach the client before the 250
 * does: such samples count as 0 and are shown in their own column.
 */
import { connect, type Socket } from "node:net";
import { startRedisServer } from "../test/support/redis-server.js";
import { createRun, type ServerProcess, startServerProcess } from "./lib/server.js";
import { openSmtp, sampleMessage } from "./lib/smtp-load.js";
import { ms, summarize, table } from "./lib/stats.js";

const serve = (services: string, env: Record<string, string>) =>
  startServerProcess({ services, env: { SANDMAIL_CATCH_ALL: "false", ...env } });

/** An IMAP session in IDLE that timestamps each `* n EXISTS` line as it arrives. */
async function idleSession(port: number, user: string, pass: string) {
  const socket: Socket = connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  let buf = "";
  let onExists: ((n: number, at: number) => void) | undefined;
  let onLine: ((line: string) => void) | undefined;
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    const at = performance.now();
    buf += chunk;
    let nl = buf.indexOf("\r\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      const m = /^\* (\d+) EXISTS$/.exec(line);
      if (m && onExists) onExists(Number(m[1]), at);
      onLine?.(line);
      nl = buf.indexOf("\r\n");
    }
  });
  const until = (pred: (line: string) => boolean) =>
    new Promise<void>((resolve) => {
      onLine = (l) => {
        if (pred(l)) {
          onLine = undefined;
          resolve();
        }
      };
    });
  await until((l) => l.startsWith("* OK"));
  socket.write(`a LOGIN "${user}" "${pass}"\r\n`);
  await until((l) => l.startsWith("a "));
  socket.write("b SELECT INBOX\r\nc IDLE\r\n");
  await until((l) => l.startsWith("+ "));
  return {
    nextExists: (count: number) =>
      new Promise<number>((resolve) => {
        onExists = (n, at) => {
          if (n >= count) {
            onExists = undefined;
            resolve(at);
          }
        };
      }),
    close: () => {
      socket.write("DONE\r\nz LOGOUT\r\n");
      socket.end();
    },
  };
}

async function measure(smtpPort: number, imapPort: number, apiUrl: string, rounds: number) {
  const run = await createRun(apiUrl);
  const to = `idle@${run.domain}`;
  const smtp = await openSmtp("127.0.0.1", smtpPort);
  await smtp.send("bench@example.com", to, sampleMessage(0, to)); // creates the inbox
  const imap = await idleSession(imapPort, to, run.token);
  const samples: number[] = [];
  let existsFirst = 0;
  for (let i = 1; i <= rounds; i++) {
    const exists = imap.nextExists(i + 1);
    await smtp.send("bench@example.com", to, sampleMessage(i, to));
    const t250 = performance.now();
    const tExists = await exists;
    if (tExists < t250) existsFirst++;
    samples.push(Math.max(0, tExists - t250));
  }
  imap.close();
  await smtp.close();
  return { ...summarize(samples), existsFirst };
}

export async function benchIdle({ quick }: { quick: boolean }): Promise<void> {
  const rounds = quick ? 50 : 500;
  const rows: Array<Record<string, string | number>> = [];

  const one = await serve("smtp,imap,api", {});
  try {
    const s = await measure(one.ports.smtp!, one.ports.imap!, one.apiUrl, rounds);
    rows.push({
      setup: "one process, MemoryStore",
      rounds: s.n,
      median: ms(s.median),
      p99: ms(s.p99),
      "EXISTS before 250": s.existsFirst,
      target: "< 5 ms",
    });
  } finally {
    await one.stop();
  }

  const redis = await startRedisServer();
  const procs: ServerProcess[] = [];
  try {
    const env = { REDIS_URL: redis.url };
    const [smtpApi, imap] = await Promise.all([serve("smtp,api", env), serve("imap", env)]);
    procs.push(smtpApi, imap);
    const s = await measure(smtpApi.ports.smtp!, imap.ports.imap!, smtpApi.apiUrl, rounds);
    rows.push({
      setup: "SMTP and IMAP processes, Redis",
      rounds: s.n,
      median: ms(s.median),
      p99: ms(s.p99),
      "EXISTS before 250": s.existsFirst,
      target: "< 20 ms",
    });
  } finally {
    for (const p of procs) await p.stop();
    await redis.stop();
  }
  console.log("Time from the SMTP 250 after DATA to the IDLE `* n EXISTS` line");
  console.log(table(rows));
}
