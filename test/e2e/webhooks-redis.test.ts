/**
 * Webhooks on the scaled-out deployment: `sandmail serve` processes sharing a private
 * redis-server, attempts queued in BullMQ. Processes are killed (SIGKILL) between attempts and
 * others started; every attempt still happens, once, in order.
 */
import nodemailer from "nodemailer";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type TestRedis } from "../support/redis-server.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

interface Delivery {
  id: string;
  attempt: number;
  status: string;
  attempts: Array<{ responseStatus: number | null }>;
}

describe("webhooks over BullMQ: two processes, killed between attempts", () => {
  let redis: TestRedis;
  const procs: ServerProcess[] = [];
  let receiver: WebhookReceiver;
  const perId = new Map<string, number>();

  const serve = async () => {
    const p = await startServerProcess({
      env: {
        REDIS_URL: redis.url,
        SANDMAIL_CATCH_ALL: "false",
        // Retries 2.4 to 3.6 s apart: room to kill a process after an attempt is recorded and
        // before the next one starts, even on a busy machine.
        SANDMAIL_WEBHOOK_RETRY_SCHEDULE: "3s,3s,3s",
      },
    });
    procs.push(p);
    return p;
  };
  const kill = async (p: ServerProcess) => {
    const exited = new Promise((r) => p.child.once("exit", r));
    p.child.kill("SIGKILL");
    await exited;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    // Each delivery's first attempt gets 500, its second 200.
    receiver = await startWebhookReceiver((hook) => {
      const id = String(hook.headers["webhook-id"]);
      const n = (perId.get(id) ?? 0) + 1;
      perId.set(id, n);
      return n === 1 ? 500 : 200;
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await receiver?.close();
    await redis?.stop();
  });

  it("delivers every attempt exactly once, in order, across restarts", async () => {
    const [a, b] = await Promise.all([serve(), serve()]);
    const run = (await (await fetch(`${a!.apiUrl}/v1/runs`, { method: "POST" })).json()) as {
      id: string;
      token: string;
      domain: string;
    };
    const auth = { authorization: `Bearer ${run.token}` };
    // Made through B; mail arrives through A.
    const created = await fetch(`${b!.apiUrl}/v1/runs/${run.id}/webhooks`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ url: receiver.url }),
    });
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { id: string; secret: string };
    const log = async (api: string): Promise<Delivery[]> =>
      (
        (await (
          await fetch(`${api}/v1/runs/${run.id}/webhooks/${hook.id}/deliveries`, { headers: auth })
        ).json()) as {
          deliveries: Delivery[];
        }
      ).deliveries;
    const untilLog = async (api: string, check: (d: Delivery[]) => boolean) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const d = await log(api);
        if (check(d) || Date.now() > deadline) return d;
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: a!.ports.smtp, ignoreTLS: true });
    for (const subject of ["m1", "m2", "m3"])
      await transport.sendMail({ from: "app@shop.example", to: `qa@${run.domain}`, subject, text: subject });
    transport.close();

    // m1's first attempt answered 500 and recorded: kill both processes before its retry is due.
    await receiver.until(1);
    await untilLog(b!.apiUrl, (d) => d[0]?.attempt === 1);
    await Promise.all([kill(a!), kill(b!)]);
    // Killed between attempts: the retry had not started yet.
    expect(receiver.received.length).toBe(1);

    // Two new processes: m1's retry, then m2's first attempt; kill one of them after that.
    const [c, d] = await Promise.all([serve(), serve()]);
    await receiver.until(3);
    await untilLog(d!.apiUrl, (l) => l[1]?.attempt === 1);
    await kill(c!);
    expect(receiver.received.length).toBe(3);
    const e = await serve();

    await receiver.until(6, 90_000);
    const final = await untilLog(e.apiUrl, (l) => l.length === 3 && l.every((x) => x.status === "succeeded"));
    expect(final.map((x) => [x.status, x.attempt, x.attempts.map((t) => t.responseStatus)])).toEqual([
      ["succeeded", 2, [500, 200]],
      ["succeeded", 2, [500, 200]],
      ["succeeded", 2, [500, 200]],
    ]);
    // A fourth message, delivered after the first three, closes the sequence: nothing doubled.
    const late = nodemailer.createTransport({ host: "127.0.0.1", port: d!.ports.smtp, ignoreTLS: true });
    await late.sendMail({ from: "app@shop.example", to: `qa@${run.domain}`, subject: "m4", text: "m4" });
    late.close();
    const got = await receiver.until(8, 60_000);
    const subjects = got
      .map(
        (h) =>
          new Webhook(hook.secret).verify(h.body, h.headers as never) as {
            data: { message: { subject: string } };
          },
      )
      .map((p) => p.data.message.subject);
    expect(subjects).toEqual(["m1", "m1", "m2", "m2", "m3", "m3", "m4", "m4"]);
    expect([...perId.values()]).toEqual([2, 2, 2, 2]);
    expect(final.map((x) => x.id)).toEqual([...perId.keys()].slice(0, 3));
  }, 240_000);
});
