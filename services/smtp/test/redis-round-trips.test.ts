import { spawn } from "node:child_process";
import { RedisStore } from "@sandmail/store";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../../../test/support/redis-server.js";
import { type Harness, startHarness } from "./support/harness.js";

let redis: TestRedis;
let store: RedisStore;
let h: Harness;

beforeAll(async () => {
  redis = await startRedisServer();
  store = await RedisStore.connect({ url: redis.url });
  h = await startHarness({ store });
});
afterAll(async () => {
  await h?.stop();
  await store?.close();
  await redis?.stop();
});

/** A command as redis-server's MONITOR shows it: sent by a client, or run by a script ("lua"). */
interface Seen {
  source: string;
  /** The command's name, lowercased. */
  name: string;
  line: string;
}

/** Every command redis-server runs from now until `stop`, which returns them (redis-cli MONITOR). */
async function watchCommands(): Promise<{ stop(): Promise<Seen[]> }> {
  const cli = spawn("redis-cli", ["-p", String(redis.port), "MONITOR"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const seen: Seen[] = [];
  const mark = `round-trips-${Date.now()}`;
  let started: () => void = () => {};
  let marked: () => void = () => {};
  const onStart = new Promise<void>((resolve) => {
    started = resolve;
  });
  const onMark = new Promise<void>((resolve) => {
    marked = resolve;
  });
  let pending = "";
  cli.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "OK") started();
      const m = /^\S+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
      if (!m) continue;
      if (line.includes(mark)) marked();
      else seen.push({ source: m[1] as string, name: (m[2] as string).toLowerCase(), line });
    }
  });
  await onStart;
  return {
    // MONITOR shows commands in the order redis-server runs them: once the mark is through,
    // everything run before it has been seen.
    async stop() {
      await redis.cli("ECHO", mark);
      await onMark;
      cli.kill();
      return seen;
    },
  };
}

describe("SMTP ingest on a RedisStore (private redis-server)", () => {
  it("costs one round trip per message: the delivery script, nothing else, however many recipients", async () => {
    const run = await h.createRun();
    const to = (local: string) => `${local}@${run.id}.sandmail.test`;
    // One pooled connection: the session stays open, so its transcript (written once per
    // session, when it ends) does not fall inside the count.
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: h.port,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
    });
    const send = (i: number, recipients: string[]) =>
      transport.sendMail({ from: "app@example.com", to: recipients, subject: `m${i}`, text: `message ${i}` });
    try {
      // The first message loads the run, its DNS records and fault rules into the process.
      expect((await send(0, [to("first")])).response).toMatch(/^250 /);

      const n = 20;
      const watch = await watchCommands();
      for (let i = 1; i <= n; i++) {
        const recipients = i % 2 === 0 ? [to("a"), to("b")] : [to("a")];
        expect((await send(i, recipients)).response).toMatch(/^250 /);
      }
      const seen = await watch.stop();

      const sent = seen.filter((c) => c.source !== "lua");
      expect(sent.map((c) => c.name)).toEqual(Array.from({ length: n }, () => "fcall"));
      // Each one the delivery script (it alone declares the run's delivery log) of this run.
      for (const c of sent) expect(c.line).toContain(`"sm:{${run.id}}:dlv"`);
      // And every copy stored: one per recipient.
      expect((await store.runCounts(run.id)).messages).toBe(1 + n + n / 2);
    } finally {
      transport.close();
    }
  });
});
