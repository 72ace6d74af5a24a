import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopStallUnder } from "../support/loop-delay.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";

/*
 * issue 13: `GET .../extract?pattern=(a|a)+$` on a 31-character subject once held the event loop
 * for 25.5 s, and `subject=/(a|a)+$/` did the same through waits and lists. Patterns now run on
 * RE2, in time linear in the subject. This runs those requests against a far longer subject on a
 * `sandmail serve` process: its event loop is never held 100 ms meanwhile, as the server measures
 * it (loop-delay.ts; /healthz timed by the test's clock measured the shared machine's load), and
 * /healthz keeps answering. The requests' durations are compared, in the log, with the same
 * requests carrying a harmless pattern.
 */

const evil = "(a|a)+$";
/** The same requests with a harmless pattern: what the attack costs beyond ordinary use. */
const benign = "b+$";
const subject = `${"a".repeat(20_000)}!`;

let server: ServerProcess;
let base: string;
let runPath: string;
let headers: Record<string, string>;

beforeAll(async () => {
  server = await startServerProcess({ services: "smtp,api" });
  base = server.apiUrl;
  const run = (await (await fetch(`${base}/v1/runs`, { method: "POST" })).json()) as {
    id: string;
    token: string;
    domain: string;
  };
  runPath = `${base}/v1/runs/${run.id}`;
  headers = { authorization: `Bearer ${run.token}` };
  const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: server.ports.smtp, ignoreTLS: true });
  for (let i = 0; i < 3; i++) {
    await smtp.sendMail({ from: "shop@example.com", to: `alice@${run.domain}`, subject, text: subject });
  }
  smtp.close();
  const wait = await fetch(`${runPath}/messages/wait?count=3&timeout=10000`, { headers });
  expect(wait.status).toBe(200);
});
afterAll(() => server?.stop());

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}
const median = (values: number[]) => quantile(values, 0.5);

async function attack(pattern: string): Promise<number[]> {
  const q = encodeURIComponent;
  const requests: Array<readonly [string, readonly number[]]> = [
    ...Array.from(
      { length: 8 },
      () => [`${runPath}/messages/any/extract?pattern=${q(pattern)}`, [404]] as const,
    ),
    ...Array.from({ length: 8 }, () => [`${runPath}/messages?subject=${q(`/${pattern}/`)}`, [200]] as const),
    ...Array.from({ length: 8 }, () => [`${runPath}/messages?text=${q(`/${pattern}/`)}`, [200]] as const),
    ...Array.from(
      { length: 4 },
      () => [`${runPath}/messages/wait?subject=${q(`/${pattern}/`)}&timeout=300`, [408]] as const,
    ),
  ];
  // Every stored message is an extraction target too.
  const list = (await (await fetch(`${runPath}/messages`, { headers })).json()) as {
    messages: Array<{ id: string }>;
  };
  for (const m of list.messages)
    requests.push([`${runPath}/messages/${m.id}/extract?pattern=${q(pattern)}`, [200]]);
  // Two in flight at a time, as a hostile client would keep them coming: the question is whether
  // one request holds the loop, not how long a queue of them takes.
  const durations: number[] = [];
  const next = async (): Promise<void> => {
    for (let item = requests.shift(); item; item = requests.shift()) {
      const [url, statuses] = item;
      const started = performance.now();
      const res = await fetch(url, { headers });
      const body = await res.text();
      expect(statuses, body.slice(0, 300)).toContain(res.status);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all([next(), next()]);
  return durations;
}

describe("catastrophic patterns against a 20,001-character subject", () => {
  it("answer, and the server's event loop is never held 100 ms while they run", async () => {
    // Warm up: the first parse of each message and the lazily loaded parser are not the pattern's doing.
    await attack(benign);
    const ordinary = await attack(benign);
    const healthz = async () => {
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    };
    // A backtracking engine held the loop for 25 s on a 31-character subject.
    const report = await loopStallUnder(base, `requests with ${evil}`, () => attack(evil), {
      probes: { healthz },
    });
    console.info(
      `pattern attack: ${report.result.length} requests with ${evil}: median ${median(report.result).toFixed(1)} ms ` +
        `(with ${benign}: ${median(ordinary).toFixed(1)} ms)`,
    );
  });

  it("each message matched the pattern as RE2 reads it, with nothing skipped", async () => {
    // `(a|a)+$` cannot match a subject ending in `!`; `a+!$` must.
    const q = encodeURIComponent;
    type List = { messages: unknown[] };
    const none = (await (
      await fetch(`${runPath}/messages?subject=${q(`/${evil}/`)}`, { headers })
    ).json()) as List;
    expect(none.messages).toHaveLength(0);
    const all = (await (
      await fetch(`${runPath}/messages?subject=${q("/(a|a)+!$/")}`, { headers })
    ).json()) as List;
    expect(all.messages).toHaveLength(3);
  });
});
