/**
 * Deleting a huge run must not hold Redis, which every other run's SMTP deliveries, waits and
 * IMAP commands share: "nothing a client sends may block the event loop for more than 100 ms",
 * and a DELETE is something a client sends. One script deleting a 15,000-address run (over
 * 100,000 keys) at once held redis-server ~450 ms (0.9 s on a loaded machine); it is now gone
 * for every reader at once and its keys are removed in bounded steps.
 *
 * What is measured is redis-server's own longest command for the deleted run (SLOWLOG, a script
 * counted whole) while another run keeps receiving mail through a real `sandmail serve`.
 */
import { RedisStore } from "@sandmail/store";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendInput } from "../../packages/store/test/fixtures.js";
import { startRedisServer, type TestRedis } from "../support/redis-server.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";

const ADDRESSES = 15_000;

describe("deleting a run of 15,000 addresses on Redis", () => {
  let redis: TestRedis;
  let server: ServerProcess;
  let store: RedisStore;

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startServerProcess({
      services: "smtp,api",
      env: { REDIS_URL: redis.url, SANDMAIL_CATCH_ALL: "false" },
    });
    store = await RedisStore.connect(redis.url);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
    await redis?.stop();
  });

  const api = (run: { token: string }, path: string, init: RequestInit = {}) =>
    fetch(`${server.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${run.token}` } });

  it("holds Redis under 100 ms at a time while another run's deliveries go on, and leaves no key", async () => {
    // The huge run, filled straight through the store (as many processes ingesting would).
    const huge = await store.createRun({
      ttlSeconds: 600,
      limits: { maxMessages: ADDRESSES, maxBytes: 1e9 },
    });
    for (let i = 0; i < ADDRESSES; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          store.appendMessage(huge.id, appendInput(`u${i + j}@x.test`, "s")),
        ),
      );
    }
    const prefix = `sm:{${huge.id}}:`;
    // The server holds nothing else yet.
    expect(Number(await redis.cli("DBSIZE"))).toBeGreaterThan(100_000);

    const other = (await (await fetch(`${server.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      id: string;
      token: string;
      domain: string;
    };
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: server.ports.smtp,
      ignoreTLS: true,
    });
    const to = `qa@${other.domain}`;
    let sending = true;
    let sent = 0;
    let duringDelete = 0;
    let deleting = false;
    const sender = (async () => {
      while (sending) {
        const info = await transport.sendMail({
          from: "app@example.com",
          to,
          subject: `m${sent}`,
          text: "x",
        });
        expect(info.accepted).toEqual([to]);
        sent++;
        if (deleting) duringDelete++;
      }
    })();
    try {
      // Deliveries are flowing before the delete starts.
      while (sent < 3) await new Promise<void>((resolve) => setImmediate(resolve));
      await redis.cli("CONFIG", "SET", "slowlog-log-slower-than", "1000");
      await redis.cli("SLOWLOG", "RESET");
      deleting = true;
      const res = await api(huge, `/v1/runs/${huge.id}`, { method: "DELETE" });
      deleting = false;
      expect(res.status).toBe(204);
      const entries = JSON.parse(await redis.cli("--json", "SLOWLOG", "GET", "-1")) as Array<
        [number, number, number, string[]]
      >;
      const mine = entries.filter(([, , , args]) => args.some((a) => String(a).includes(`{${huge.id}}`)));
      expect(mine.length).toBeGreaterThan(0);
      const longestMs = Math.max(...mine.map(([, , us]) => Number(us))) / 1000;
      expect(longestMs).toBeLessThan(100);
    } finally {
      sending = false;
      await sender;
      transport.close();
    }
    // The other run's mail kept coming during the delete, every message of it stored.
    expect(duringDelete).toBeGreaterThan(0);
    const wait = await api(other, `/v1/runs/${other.id}/messages/wait?count=${sent}&timeout=10000`);
    expect(wait.status).toBe(200);

    // Gone for every reader, SMTP included, and not one key left under its prefix.
    expect((await api(huge, `/v1/runs/${huge.id}`)).status).toBe(404);
    await expect(
      nodemailer
        .createTransport({ host: "127.0.0.1", port: server.ports.smtp, ignoreTLS: true })
        .sendMail({ from: "app@example.com", to: `u1@${huge.id}.sandmail.test`, subject: "late", text: "x" }),
    ).rejects.toMatchObject({ responseCode: 550 });
    expect(await keysUnder(redis, prefix)).toEqual([]);
    expect(JSON.parse(await redis.cli("--json", "ZSCORE", "sm:deleting", huge.id))).toBeNull();
  }, 240_000);
});

/** Every key under the prefix, by SCAN (redis-cli --scan). */
async function keysUnder(redis: TestRedis, prefix: string): Promise<string[]> {
  return (await redis.cli("--scan", "--pattern", `${prefix}*`)).split("\n").filter(Boolean);
}
