import nodemailer from "nodemailer";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sandmailArgs } from "../support/cli.js";
import { type ExecResult, exec } from "../support/exec.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

let sb: TestSandbox;
let run: TestRun;
let receiver: WebhookReceiver;

const sandmail = (args: string[]): Promise<ExecResult> =>
  exec(process.execPath, [...sandmailArgs, ...args], {
    env: { ...process.env, SANDMAIL_URL: sb.apiUrl, SANDMAIL_RUN: run.id, SANDMAIL_TOKEN: run.token },
  });

beforeAll(async () => {
  sb = await startTestSandbox();
  run = await sb.createRun();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await sb?.close();
});

it("sandmail webhooks create, list, deliveries and delete", { timeout: 120_000 }, async () => {
  const created = await sandmail(["webhooks", "create", receiver.url, "--events", "message.received"]);
  expect(created.code).toBe(0);
  const hook = JSON.parse(created.stdout) as { id: string; secret: string; events: string[] };
  expect(hook.events).toEqual(["message.received"]);

  await nodemailer
    .createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true })
    .sendMail({ from: "app@example.com", to: run.address("cli"), subject: "via cli hook", text: "x" });
  const [got] = await receiver.until(1);
  const payload = new Webhook(hook.secret).verify(got!.body, got!.headers as never) as {
    data: { message: { subject: string } };
  };
  expect(payload.data.message.subject).toBe("via cli hook");

  const listed = JSON.parse((await sandmail(["webhooks", "list"])).stdout) as Array<Record<string, unknown>>;
  expect(listed.map((h) => h.id)).toEqual([hook.id]);
  expect(listed[0]?.secret).toBeUndefined();

  let deliveries: Array<{ status: string; attempt: number }> = [];
  for (let i = 0; i < 100 && deliveries[0]?.status !== "succeeded"; i++) {
    deliveries = JSON.parse((await sandmail(["webhooks", "deliveries", hook.id])).stdout);
  }
  expect(deliveries).toMatchObject([{ status: "succeeded", attempt: 1 }]);

  expect((await sandmail(["webhooks", "delete", hook.id])).code).toBe(0);
  expect(JSON.parse((await sandmail(["webhooks", "list"])).stdout)).toEqual([]);
  const again = await sandmail(["webhooks", "delete", hook.id]);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toMatch(/webhook_not_found|not found/);
  const usage = await sandmail(["webhooks", "frobnicate"]);
  expect(usage.code).not.toBe(0);
  expect(usage.stderr).toMatch(/create, list, delete or deliveries/);
});
