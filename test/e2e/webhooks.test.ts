import nodemailer from "nodemailer";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { startWebhookReceiver } from "../support/webhook-receiver.js";

interface Delivery {
  id: string;
  event: string;
  attempt: number;
  status: string;
  responseStatus: number | null;
  attempts: Array<{ attempt: number; responseStatus: number | null; error: string | null }>;
  nextAttemptAt: string | null;
}

async function send(sb: TestSandbox, to: string, subject: string, text = "hello"): Promise<void> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
  await transport.sendMail({ from: "App <app@shop.example>", to, subject, text });
  transport.close();
}

async function createHook(sb: TestSandbox, run: TestRun, body: Record<string, unknown>) {
  const res = await sb.api(run, `/v1/runs/${run.id}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function deliveries(sb: TestSandbox, run: TestRun, hookId: string): Promise<Delivery[]> {
  const res = await sb.api(run, `/v1/runs/${run.id}/webhooks/${hookId}/deliveries`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { deliveries: Delivery[] }).deliveries;
}

/** Re-reads until `check` passes (the delivery log is written just after the receiver answers). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("webhooks (memory store)", () => {
  let sb: TestSandbox;
  let run: TestRun;
  beforeAll(async () => {
    sb = await startTestSandbox({ SANDMAIL_WEBHOOK_RETRY_SCHEDULE: "200ms,200ms,200ms" });
    run = await sb.createRun();
  });
  afterAll(() => sb.close());

  it("delivers message.received signed per Standard Webhooks, verified by its own library", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const created = await createHook(sb, run, { url: receiver.url });
      expect(created.status).toBe(201);
      const hook = created.body as { id: string; secret: string; events: string[]; url: string };
      expect(hook.events).toEqual(["message.received"]);
      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from(hook.secret.slice(6), "base64").length).toBe(24);

      const to = run.address("signup");
      await send(sb, to, "Your code", "Your code is 493817. Confirm at https://shop.example/confirm?t=abc");
      const [got] = await receiver.until(1);
      const verified = new Webhook(hook.secret).verify(got!.body, got!.headers as Record<string, string>) as {
        type: string;
        timestamp: string;
        data: { runId: string; message: Record<string, unknown> & { codes: Array<{ value: string }> } };
      };
      expect(verified.type).toBe("message.received");
      expect(Date.parse(verified.timestamp)).not.toBeNaN();
      expect(verified.data.runId).toBe(run.id);
      expect(verified.data.message).toMatchObject({
        inbox: to,
        mailbox: "INBOX",
        subject: "Your code",
        from: { address: "app@shop.example" },
        to: [{ address: to }],
      });
      expect(Object.keys(verified.data.message).sort()).toEqual(
        [
          "id",
          "seq",
          "inbox",
          "mailbox",
          "subject",
          "from",
          "to",
          "receivedAt",
          "size",
          "codes",
          "links",
        ].sort(),
      );
      expect(verified.data.message.codes[0]?.value).toBe("493817");
      expect(verified.data.message.links).toEqual(
        expect.arrayContaining([expect.objectContaining({ url: "https://shop.example/confirm?t=abc" })]),
      );
      expect(got!.headers["webhook-signature"]).toMatch(/^v1,/);
      // A tampered body or another secret fails verification.
      expect(() =>
        new Webhook(hook.secret).verify(got!.body.replace("Your code", "Your c0de"), got!.headers as never),
      ).toThrow();
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(24, 1).toString("base64")}`).verify(
          got!.body,
          got!.headers as never,
        ),
      ).toThrow();

      const [delivery] = await eventually(
        () => deliveries(sb, run, hook.id),
        (d) => d[0]?.status === "succeeded",
      );
      expect(delivery).toMatchObject({
        id: got!.headers["webhook-id"],
        attempt: 1,
        status: "succeeded",
        responseStatus: 200,
      });
      const list = await sb.api(run, `/v1/runs/${run.id}/webhooks`);
      const listed = (await list.json()) as { webhooks: Array<Record<string, unknown>> };
      expect(listed.webhooks).toEqual([
        { id: hook.id, url: receiver.url, events: ["message.received"], createdAt: expect.any(String) },
      ]);
      expect((await sb.api(run, `/v1/runs/${run.id}/webhooks/${hook.id}`, { method: "DELETE" })).status).toBe(
        204,
      );
    } finally {
      await receiver.close();
    }
  });

  it("retries a receiver answering 500 twice, then 200: three attempts in the log", async () => {
    const receiver = await startWebhookReceiver((_, i) => (i < 2 ? 500 : 200));
    try {
      const own = await sb.createRun();
      const { body } = await createHook(sb, own, { url: receiver.url });
      await send(sb, own.address("retry"), "three times");
      const got = await receiver.until(3);
      expect(new Set(got.map((h) => h.headers["webhook-id"])).size).toBe(1);
      // The same bytes each time, each with its own valid signature.
      expect(new Set(got.map((h) => h.body)).size).toBe(1);
      for (const h of got) new Webhook(body.secret as string).verify(h.body, h.headers as never);
      const [delivery] = await eventually(
        () => deliveries(sb, own, body.id as string),
        (d) => d[0]?.status === "succeeded",
      );
      expect(delivery).toMatchObject({
        attempt: 3,
        status: "succeeded",
        responseStatus: 200,
        nextAttemptAt: null,
      });
      expect(delivery!.attempts.map((a) => a.responseStatus)).toEqual([500, 500, 200]);
      expect(receiver.received.length).toBe(3);
    } finally {
      await receiver.close();
    }
  });

  it("marks a delivery failed after the schedule, redelivers it on retry, and keeps order", async () => {
    let healthy = false;
    const receiver = await startWebhookReceiver(() => (healthy ? 200 : 503));
    try {
      const own = await sb.createRun();
      const { body } = await createHook(sb, own, {
        url: receiver.url,
        events: ["message.received", "message.flags"],
      });
      const hookId = body.id as string;
      await send(sb, own.address("a"), "first");
      // 1 attempt + 3 retries, then failed; the next delivery waits behind it until then.
      await send(sb, own.address("a"), "second");
      const log = await eventually(
        () => deliveries(sb, own, hookId),
        (d) => d.length === 2 && d.every((x) => x.status === "failed"),
      );
      expect(log.map((d) => [d.status, d.attempt])).toEqual([
        ["failed", 4],
        ["failed", 4],
      ]);
      const subjects = receiver.received.map((h) => JSON.parse(h.body).data.message.subject);
      expect(subjects).toEqual(["first", "first", "first", "first", "second", "second", "second", "second"]);
      healthy = true;
      const res = await sb.api(own, `/v1/runs/${own.id}/webhooks/${hookId}/deliveries/${log[0]!.id}/retry`, {
        method: "POST",
      });
      expect(res.status).toBe(202);
      expect(((await res.json()) as Delivery).status).toBe("pending");
      await receiver.until(9);
      const after = await eventually(
        () => deliveries(sb, own, hookId),
        (d) => d[0]?.status === "succeeded",
      );
      expect(after[0]).toMatchObject({ attempt: 5, status: "succeeded" });
      expect(receiver.received.at(-1)?.headers["webhook-id"]).toBe(log[0]!.id);

      // message.flags: marking the message seen over the API.
      const msgs = (await (await sb.api(own, `/v1/runs/${own.id}/messages`)).json()) as {
        messages: Array<{ id: string }>;
      };
      await sb.api(own, `/v1/runs/${own.id}/messages/${msgs.messages[0]!.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seen: true }),
      });
      const [flagHook] = (await receiver.until(10)).slice(9);
      const flagged = JSON.parse(flagHook!.body);
      expect(flagged).toMatchObject({ type: "message.flags", data: { runId: own.id, flags: ["\\Seen"] } });
    } finally {
      await receiver.close();
    }
  });

  it("refuses link-local targets and bad input with problem+json codes", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/",
      "http://[::ffff:169.254.169.254]/",
    ]) {
      const res = await createHook(sb, run, { url });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("webhook_target_refused");
    }
    expect((await createHook(sb, run, { url: "ftp://127.0.0.1/" })).body.code).toBe("webhook_target_refused");
    expect((await createHook(sb, run, { url: "not a url" })).body.code).toBe("invalid_request");
    expect((await createHook(sb, run, { url: "http://127.0.0.1/", events: ["mail.sent"] })).body.code).toBe(
      "invalid_request",
    );
    const missing = await sb.api(run, `/v1/runs/${run.id}/webhooks/wh_nope/deliveries`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe("webhook_not_found");
    const del = await sb.api(run, `/v1/runs/${run.id}/webhooks/wh_nope`, { method: "DELETE" });
    expect(((await del.json()) as { code: string }).code).toBe("webhook_not_found");
  });

  it("restricts targets with SANDMAIL_WEBHOOK_ALLOW", async () => {
    const strict = await startTestSandbox({ SANDMAIL_WEBHOOK_ALLOW: "hooks.internal.example,!127.0.0.2" });
    try {
      const own = await strict.createRun();
      const refused = await createHook(strict, own, { url: "http://127.0.0.1:9/" });
      expect(refused.body).toMatchObject({ code: "webhook_target_refused" });
      expect(String(refused.body.detail)).toMatch(/SANDMAIL_WEBHOOK_ALLOW/);
      expect((await createHook(strict, own, { url: "http://hooks.internal.example/x" })).status).toBe(201);
    } finally {
      await strict.close();
    }
  });

  it("keeps one run's webhooks away from another run's token", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const a = await sb.createRun();
      const b = await sb.createRun();
      const { body } = await createHook(sb, a, { url: receiver.url });
      const hookId = body.id as string;
      await send(sb, a.address("x"), "for a");
      await receiver.until(1);
      const [d] = await eventually(
        () => deliveries(sb, a, hookId),
        (l) => l[0]?.status === "succeeded",
      );
      // b's token on a's paths is refused; b's own paths do not show a's webhook.
      for (const [method, path] of [
        ["GET", `/v1/runs/${a.id}/webhooks`],
        ["POST", `/v1/runs/${a.id}/webhooks`],
        ["DELETE", `/v1/runs/${a.id}/webhooks/${hookId}`],
        ["GET", `/v1/runs/${a.id}/webhooks/${hookId}/deliveries`],
        ["POST", `/v1/runs/${a.id}/webhooks/${hookId}/deliveries/${d!.id}/retry`],
      ] as const) {
        const res = await sb.api(b, path, {
          method,
          ...(method === "POST"
            ? { headers: { "content-type": "application/json" }, body: JSON.stringify({ url: receiver.url }) }
            : {}),
        });
        expect([401, 404]).toContain(res.status);
      }
      expect(
        ((await (await sb.api(b, `/v1/runs/${b.id}/webhooks`)).json()) as { webhooks: unknown[] }).webhooks,
      ).toEqual([]);
      expect((await sb.api(b, `/v1/runs/${b.id}/webhooks/${hookId}`, { method: "DELETE" })).status).toBe(404);
      expect((await sb.api(b, `/v1/runs/${b.id}/webhooks/${hookId}/deliveries`)).status).toBe(404);
      expect(
        (await sb.api(b, `/v1/runs/${b.id}/webhooks/${hookId}/deliveries/${d!.id}/retry`, { method: "POST" }))
          .status,
      ).toBe(404);
      // b's mail does not reach a's webhook.
      await send(sb, b.address("x"), "for b");
      await send(sb, a.address("x"), "for a again");
      const got = await receiver.until(2);
      expect(got.map((h) => JSON.parse(h.body).data.message.subject)).toEqual(["for a", "for a again"]);
      expect((await sb.api(a, `/v1/runs/${a.id}/webhooks`)).status).toBe(200);
    } finally {
      await receiver.close();
    }
  });
});
