/**
 * Webhook latency: from the SMTP 250 (nodemailer's sendMail resolving) to the signed POST having
 * arrived at a receiver on loopback, one message at a time, for the memory store (server in its
 * own process, attempts in-process). Both clocks are this process's; a POST can even arrive
 * before the 250 does (the event fires once the message is stored), which shows as negative.
 */
import nodemailer from "nodemailer";
import { startWebhookReceiver } from "../test/support/webhook-receiver.js";
import { createRun, startServerProcess } from "./lib/server.js";
import { ms, percentile, table } from "./lib/stats.js";

export async function benchWebhooks({ quick }: { quick: boolean }): Promise<void> {
  const server = await startServerProcess({ env: { SANDMAIL_CATCH_ALL: "false" } });
  const receiver = await startWebhookReceiver();
  try {
    const run = await createRun(server.apiUrl);
    const res = await fetch(`${server.apiUrl}/v1/runs/${run.id}/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${run.token}`, "content-type": "application/json" },
      body: JSON.stringify({ url: receiver.url }),
    });
    if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${await res.text()}`);
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: server.ports.smtp,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
    });
    const rounds = quick ? 20 : 300;
    const samples: number[] = [];
    for (let i = 0; i < rounds + 10; i++) {
      const arrived = receiver.until(i + 1, 30_000);
      await transport.sendMail({
        from: "app@shop.example",
        to: `qa@${run.domain}`,
        subject: `hook ${i}`,
        text: `Your code is ${100000 + i}`,
      });
      const accepted = performance.now();
      const got = await arrived;
      // The first ten warm the JIT, the connection and the parser.
      if (i >= 10) samples.push((got[i]?.at ?? accepted) - accepted);
    }
    transport.close();
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(
      table([
        {
          what: "SMTP 250 -> webhook received (memory store)",
          p50: ms(percentile(sorted, 50)),
          p95: ms(percentile(sorted, 95)),
          p99: ms(percentile(sorted, 99)),
          n: sorted.length,
        },
      ]),
    );
  } finally {
    await receiver.close();
    await server.stop();
  }
}
