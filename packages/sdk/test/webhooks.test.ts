import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "../../../test/support/sandbox.js";
import { startWebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { NotFoundError, Sandmail, verifyWebhook } from "../src/index.js";
import { send } from "./support.js";

let sb: TestSandbox;
let sandmail: Sandmail;

beforeAll(async () => {
  sb = await startTestSandbox({ SANDMAIL_WEBHOOK_RETRY_SCHEDULE: "100ms" });
  sandmail = new Sandmail({ url: sb.apiUrl });
});
afterAll(() => sb?.close());

it("creates, lists and deletes webhooks, reads deliveries, and verifies what arrives", async () => {
  const receiver = await startWebhookReceiver((_, i) => (i === 0 ? 500 : 200));
  await using run = await sandmail.createRun();
  try {
    const hook = await run.webhooks.create(receiver.url, { events: ["message.received", "message.flags"] });
    expect(hook.secret).toMatch(/^whsec_/);
    expect(await run.webhooks.list()).toEqual([
      {
        id: hook.id,
        url: receiver.url,
        events: ["message.received", "message.flags"],
        createdAt: hook.createdAt,
      },
    ]);
    await send(run, { to: run.address("sdk"), subject: "hooked", text: "code 123456" });
    const [first, second] = await receiver.until(2);
    const payload = verifyWebhook(hook.secret, second!.headers as Record<string, string>, second!.body);
    expect(payload.type).toBe("message.received");
    expect(payload.data).toMatchObject({ runId: run.id, message: { subject: "hooked" } });
    expect(first!.headers["webhook-id"]).toBe(second!.headers["webhook-id"]);
    // Another secret, or a body changed on the way, does not verify.
    const other = await run.webhooks.create(receiver.url);
    expect(() =>
      verifyWebhook(other.secret, second!.headers as Record<string, string>, second!.body),
    ).toThrow();
    expect(() =>
      verifyWebhook(
        hook.secret,
        second!.headers as Record<string, string>,
        second!.body.replace("hooked", "hacked"),
      ),
    ).toThrow();

    let deliveries = await run.webhooks.deliveries(hook.id);
    for (let i = 0; i < 200 && deliveries[0]?.status !== "succeeded"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      deliveries = await run.webhooks.deliveries(hook.id);
    }
    expect(deliveries[0]).toMatchObject({ attempt: 2, status: "succeeded", responseStatus: 200 });
    expect(deliveries[0]?.attempts.map((a) => a.responseStatus)).toEqual([500, 200]);
    const again = await run.webhooks.retry(hook.id, deliveries[0]!.id);
    expect(again.status).toBe("pending");
    await receiver.until(3);

    await run.webhooks.delete(hook.id);
    await run.webhooks.delete(other.id);
    expect(await run.webhooks.list()).toEqual([]);
    await expect(run.webhooks.delete(hook.id)).rejects.toBeInstanceOf(NotFoundError);
  } finally {
    await receiver.close();
  }
});
