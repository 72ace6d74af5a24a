/**
 * Wait latency: from the 250 after DATA to the wait's response, for both stores, over ~1,000
 * rounds of one wait and one message each; then 1,000 waits held open on one run while mail
 * flows, with the server's memory and each wait's latency. The server runs in its own process.
 */
import { Agent, request } from "node:http";
import { startRedisServer } from "../test/support/redis-server.js";
import { createRun, type ServerProcess, startServerProcess } from "./lib/server.js";
import { openSmtp, sampleMessage } from "./lib/smtp-load.js";
import { mib, ms, summarize, table } from "./lib/stats.js";

interface Run {
  id: string;
  token: string;
  domain: string;
}

interface WaitAnswer {
  status: number;
  /** performance.now() when the whole response had arrived. */
  at: number;
  body: { messages?: Array<{ subject: string; seq: number }>; cursor?: number };
}

/** GET .../messages/wait over a keep-alive agent; resolves when the full answer is in. */
function waitFor(server: ServerProcess, agent: Agent, run: Run, query: string): Promise<WaitAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.apiUrl}/v1/runs/${run.id}/messages/wait?${query}`,
      { agent, headers: { authorization: `Bearer ${run.token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const at = performance.now();
          try {
            resolve({ status: res.statusCode ?? 0, at, body: JSON.parse(Buffer.concat(chunks).toString()) });
          } catch (err) {
            reject(err);
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const pause = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));
const q = encodeURIComponent;

async function latest(server: ServerProcess, run: Run): Promise<number> {
  const res = await fetch(`${server.apiUrl}/v1/runs/${run.id}/messages?limit=1`, {
    headers: { authorization: `Bearer ${run.token}` },
  });
  const body = (await res.json()) as { messages: Array<{ seq: number }> };
  return body.messages[0]?.seq ?? 0;
}

/** One wait at a time: start it, give it a moment to go live, send the mail, time 250 -> answer. */
async function sequential(server: ServerProcess, run: Run, rounds: number, tag: string): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const smtp = await openSmtp("127.0.0.1", server.ports.smtp!);
  const to = `wait@${run.domain}`;
  const samples: number[] = [];
  let cursor = await latest(server, run);
  try {
    for (let i = 0; i < rounds; i++) {
      const subject = `${tag} ${i}`;
      const answer = waitFor(
        server,
        agent,
        run,
        `after=${cursor}&subject=${q(`"${subject}"`)}&timeout=10000`,
      );
      // Measure the wake-up of a wait that is already waiting, not the scan of a late one.
      await pause(2);
      await smtp.send("app@example.com", to, message(subject, to, i));
      const at250 = performance.now();
      const res = await answer;
      const got = res.body.messages?.[0]?.subject;
      if (res.status !== 200 || got !== subject) throw new Error(`round ${i}: ${res.status} ${got}`);
      cursor = res.body.cursor ?? cursor;
      // An answer can beat the 250 to the client; that counts as no wait at all.
      if (i >= 20) samples.push(Math.max(0, res.at - at250));
    }
  } finally {
    await smtp.close();
    agent.destroy();
  }
  return samples;
}

/** The benchmark's ~2 KB transactional message with a chosen subject. */
function message(subject: string, to: string, i: number): string {
  return sampleMessage(i, to).replace(/^Subject: .*$/m, `Subject: ${subject}`);
}

/**
 * `waits` waits held open on one run, each for its own subject. While they are open: the
 * single-wait latency rounds again (every arrival now reaches all of them), then mail for each
 * held wait flows in over one SMTP connection and each one's 250 -> answer is timed.
 */
async function concurrent(server: ServerProcess, run: Run, waits: number, rounds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: waits + 10 });
  const to = `load@${run.domain}`;
  const cursor = await latest(server, run);
  const rssIdle = server.rss();
  const answers = Array.from({ length: waits }, (_, i) =>
    waitFor(server, agent, run, `after=${cursor}&subject=${q(`"held ${i}"`)}&timeout=300000`),
  );
  // Let every wait go live (they would be answered by their scan otherwise, which is not what this measures).
  await pause(Math.max(1000, waits * 2));
  const rssOpen = server.rss();
  const during = summarize(await sequential(server, run, rounds, "beside held waits"));
  const sentAt = new Array<number>(waits);
  const smtp = await openSmtp("127.0.0.1", server.ports.smtp!);
  const t0 = performance.now();
  for (let i = 0; i < waits; i++) {
    await smtp.send("app@example.com", to, message(`held ${i}`, to, i));
    sentAt[i] = performance.now();
  }
  await smtp.close();
  const results = await Promise.all(answers);
  const seconds = (performance.now() - t0) / 1000;
  const latencies = results.map((res, i) => {
    if (res.status !== 200 || res.body.messages?.[0]?.subject !== `held ${i}`)
      throw new Error(`wait ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return Math.max(0, res.at - (sentAt[i] ?? res.at));
  });
  agent.destroy();
  return {
    rssIdle,
    rssOpen,
    peak: server.peakRss(),
    rate: waits / seconds,
    during,
    held: summarize(latencies),
  };
}

export async function benchWait(options: { quick?: boolean } = {}): Promise<void> {
  const redis = await startRedisServer();
  const rounds = options.quick ? 120 : 1000;
  const waits = options.quick ? 200 : 1000;
  const latencyRows: Array<Record<string, string | number>> = [];
  const loadRows: Array<Record<string, string | number>> = [];
  try {
    for (const store of ["memory", "redis"] as const) {
      // The bench holds more waits on one run than the default per-run cap allows.
      const env = {
        SANDMAIL_MAX_WAITS_PER_RUN: String(waits + 10),
        ...(store === "redis" ? { REDIS_URL: redis.url } : {}),
      };
      const server = await startServerProcess({ env });
      try {
        const run = await createRun(server.apiUrl);
        const s = summarize(await sequential(server, run, rounds, "single"));
        latencyRows.push({ store, "other waits": 0, rounds: s.n, median: ms(s.median), p99: ms(s.p99) });
        const load = await concurrent(server, run, waits, Math.min(rounds, 300));
        latencyRows.push({
          store,
          "other waits": waits,
          rounds: load.during.n,
          median: ms(load.during.median),
          p99: ms(load.during.p99),
        });
        loadRows.push({
          store,
          "held waits": waits,
          "msg/s": Math.round(load.rate),
          "median 250->answer": ms(load.held.median),
          p99: ms(load.held.p99),
          "RSS idle": mib(load.rssIdle),
          "RSS waits open": mib(load.rssOpen),
          "peak RSS": mib(load.peak),
        });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await redis.stop();
  }
  console.log(
    "\nWait latency: one wait already waiting, one ~2 KB message; 250 after DATA -> full answer (alone, then beside the held waits)",
  );
  console.log(table(latencyRows));
  console.log(
    "\nHeld waits: each waits for its own subject on one run; then their mail flows over one SMTP connection",
  );
  console.log(table(loadRows));
}
