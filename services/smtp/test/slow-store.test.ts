import { RedisStore } from "@sandmail/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { type Harness, startHarness } from "./support/harness.js";
import { LineClient, type Reply } from "./support/line-client.js";

const RECIPIENTS = 100;
const COMMIT_WAIT_MS = 2000;

let redis: TestRedis;
let store: RedisStore;
/** Reads with ordinary timeouts: the checks must not fail because the store under test is impatient. */
let reader: RedisStore;
let h: Harness;

beforeAll(async () => {
  redis = await startRedisServer();
  // Short timeouts so a stall of a second or two is "slow" for the store.
  store = new RedisStore({
    url: redis.url,
    keyPrefix: "slow-test:",
    commandTimeoutMs: 150,
    connectWaitMs: 300,
    commitWaitMs: COMMIT_WAIT_MS,
  });
  reader = await RedisStore.connect({ url: redis.url, keyPrefix: "slow-test:" });
  h = await startHarness({ store });
});
afterAll(async () => {
  await h?.stop();
  await store?.close();
  await reader?.close();
  await redis?.stop();
});

/** A transaction to 100 recipients, held at the 354 so the store can be made slow before the dot. */
async function openTransaction(runId: string): Promise<LineClient> {
  const c = await LineClient.connect(h.port);
  expect((await c.read()).code).toBe(220);
  const rcpts = Array.from({ length: RECIPIENTS }, (_, i) => `RCPT TO:<r${i}@${runId}.sandmail.test>\r\n`);
  c.write(`EHLO slow.test\r\nMAIL FROM:<a@example.com>\r\n${rcpts.join("")}DATA\r\n`);
  const codes: number[] = [];
  for (let i = 0; i < RECIPIENTS + 3; i++) codes.push((await c.read()).code);
  expect(codes.at(-1)).toBe(354);
  expect(codes.slice(0, -1).every((code) => code === 250)).toBe(true);
  return c;
}

/** Opens `n` transactions, stalls Redis, then ends each message; resolves to subject -> reply. */
async function deliverWhileRedisStalls(runId: string, n: number, stallSeconds: number, tag: string) {
  // What routing and authentication checks read is cached per process once read; read it now so
  // that the stall meets the delivery itself, not a first lookup (which would get a plain 451).
  await store.getDnsRecords(runId);
  const clients = await Promise.all(Array.from({ length: n }, () => openTransaction(runId)));
  // Every other client's commands wait (none is lost) until the pause ends; OK comes once it holds.
  if (stallSeconds > 0) await redis.cli("CLIENT", "PAUSE", String(Math.round(stallSeconds * 1000)), "ALL");
  const replies = new Map<string, Reply>();
  await Promise.all(
    clients.map(async (c, i) => {
      const subject = `${tag}-${i}`;
      c.write(`Subject: ${subject}\r\n\r\none body for ${RECIPIENTS} inboxes\r\n.\r\n`);
      replies.set(subject, await c.read());
      c.end();
    }),
  );
  return replies;
}

async function copiesBySubject(runId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await reader.listMessages(runId)) {
    counts.set(m.summary.subject, (counts.get(m.summary.subject) ?? 0) + 1);
  }
  return counts;
}

describe(`a ${RECIPIENTS}-recipient delivery while Redis is slow (RedisStore on a private redis-server)`, () => {
  it("answers 250 when the store commits late, and 250 means every copy is stored", async () => {
    const run = await h.createRun({ maxMessages: 10_000 });
    // Each attempt times out after 150 ms; the delivery is retried with the same id until Redis
    // answers, which it does after 0.8 s: within the commit wait.
    const replies = await deliverWhileRedisStalls(run.id, 4, 0.8, "late");
    const stored = await copiesBySubject(run.id);
    for (const [subject, reply] of replies) {
      expect(reply.code, `${subject}: ${reply.text}`).toBe(250);
      expect(stored.get(subject)).toBe(RECIPIENTS);
    }
    // Stored once, not once per retry.
    expect((await reader.runCounts(run.id)).messages).toBe(4 * RECIPIENTS);
  });

  it("answers 451 only when nothing was stored, and nothing is stored later either", async () => {
    const run = await h.createRun({ maxMessages: 10_000 });
    // Longer than the commit wait: the attempts still queued in Redis run after the deadline,
    // when the script refuses to store.
    const replies = await deliverWhileRedisStalls(run.id, 4, (COMMIT_WAIT_MS + 1500) / 1000, "gave-up");
    // Every attempt queued behind the stall has run by now (Redis runs commands in order).
    const stored = await copiesBySubject(run.id);
    for (const [subject, reply] of replies) {
      expect(reply.code, `${subject}: ${reply.text}`).toBe(451);
      expect(reply.text).toMatch(/^451 4\.3\.0 /);
      expect(stored.get(subject) ?? 0).toBe(0);
    }
    expect((await reader.runCounts(run.id)).messages).toBe(0);

    // The same transaction, now that Redis answers again, is stored whole.
    const after = await deliverWhileRedisStalls(run.id, 2, 0, "after");
    const now = await copiesBySubject(run.id);
    for (const [subject, reply] of after) {
      expect(reply.code).toBe(250);
      expect(now.get(subject)).toBe(RECIPIENTS);
    }
  });
});
