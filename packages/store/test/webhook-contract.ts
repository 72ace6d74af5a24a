import type { Run } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import type { MailStore, NewDelivery } from "../src/index.js";
import { MAX_WEBHOOKS_PER_RUN, newDeliveryId } from "../src/index.js";
import { appendInput } from "./fixtures.js";

const delivery = (eventSeq: number, body = `{"n":${eventSeq}}`): NewDelivery => ({
  id: newDeliveryId(),
  event: "message.received",
  eventSeq,
  body,
});

const outcome = (attempt: number, status: "pending" | "succeeded" | "failed", code: number | null) => ({
  attempt,
  at: new Date(1_700_000_000_000 + attempt),
  responseStatus: code,
  durationMs: 3,
  error: code === null ? "timeout" : null,
  status,
  nextAttemptAt: status === "pending" ? new Date(1_700_000_100_000) : null,
});

/** The webhook part of the MailStore contract (part of describeMailStoreContract). */
export function describeWebhookContract(store: () => MailStore, newRun: () => Promise<Run>): void {
  describe("webhooks", () => {
    it("creates, lists, reads and deletes webhooks; the cursor starts at the run's seq", async () => {
      const run = await newRun();
      await store().appendMessage(run.id, appendInput("u@x.test", "before"));
      const seq = await store().currentSeq(run.id);
      const hook = await store().webhooks.create(run.id, {
        url: "http://127.0.0.1:9/hook",
        events: ["message.received", "message.flags"],
        secret: "whsec_abc",
      });
      expect(hook).toMatchObject({ url: "http://127.0.0.1:9/hook", secret: "whsec_abc", cursor: seq });
      expect(hook.id).toMatch(/^wh_/);
      expect(await store().webhooks.list(run.id)).toEqual([hook]);
      expect(await store().webhooks.get(run.id, hook.id)).toEqual(hook);
      expect(await store().webhooks.get(run.id, "wh_nope")).toBeUndefined();
      expect(await store().webhooks.runsWithWebhooks()).toContain(run.id);
      expect(await store().webhooks.delete(run.id, hook.id)).toBe(true);
      expect(await store().webhooks.delete(run.id, hook.id)).toBe(false);
      expect(await store().webhooks.list(run.id)).toEqual([]);
      expect(await store().webhooks.runsWithWebhooks()).not.toContain(run.id);
    });

    it("refuses bad input, too many webhooks, and unknown runs", async () => {
      const run = await newRun();
      const input = { url: "http://127.0.0.1:9/", events: ["message.received" as const], secret: "whsec_x" };
      await expect(
        store().webhooks.create(run.id, { ...input, events: ["nope" as never] }),
      ).rejects.toMatchObject({ code: "invalid_request" });
      for (let i = 0; i < MAX_WEBHOOKS_PER_RUN; i++) await store().webhooks.create(run.id, input);
      await expect(store().webhooks.create(run.id, input)).rejects.toMatchObject({ code: "quota_exceeded" });
      await expect(store().webhooks.list("nosuchrun")).rejects.toMatchObject({ code: "run_not_found" });
      await expect(store().webhooks.create("nosuchrun", input)).rejects.toMatchObject({
        code: "run_not_found",
      });
      await expect(store().webhooks.listDeliveries(run.id, "wh_nope")).rejects.toMatchObject({
        code: "webhook_not_found",
      });
    });

    it("queues deliveries past the cursor once, in order, and starts only an idle queue", async () => {
      const run = await newRun();
      const hook = await store().webhooks.create(run.id, {
        url: "http://127.0.0.1:9/",
        events: ["message.received"],
        secret: "whsec_x",
      });
      const base = hook.cursor;
      const first = await store().webhooks.addDeliveries(run.id, hook.id, base + 2, [
        delivery(base + 1),
        delivery(base + 2),
      ]);
      expect(first.added.map((d) => d.eventSeq)).toEqual([base + 1, base + 2]);
      expect(first.start?.id).toBe(first.added[0]?.id);
      expect(first.added[0]).toMatchObject({
        status: "pending",
        attempt: 0,
        attempts: [],
        webhookId: hook.id,
      });
      // A second process offering the same events adds nothing; a later event queues behind.
      const again = await store().webhooks.addDeliveries(run.id, hook.id, base + 3, [
        delivery(base + 2),
        delivery(base + 3),
      ]);
      expect(again.added.map((d) => d.eventSeq)).toEqual([base + 3]);
      expect(again.start).toBeUndefined();
      expect((await store().webhooks.get(run.id, hook.id))?.cursor).toBe(base + 3);
      // Skipped events move the cursor too.
      await store().webhooks.addDeliveries(run.id, hook.id, base + 5, []);
      expect((await store().webhooks.get(run.id, hook.id))?.cursor).toBe(base + 5);
      const log = await store().webhooks.listDeliveries(run.id, hook.id);
      expect(log.map((d) => d.eventSeq)).toEqual([base + 1, base + 2, base + 3]);
      expect(log[0]?.body).toBe(`{"n":${base + 1}}`);

      const [a, b, c] = log as [(typeof log)[0], (typeof log)[0], (typeof log)[0]];
      // A failed attempt keeps it at the head; recording the same attempt twice changes nothing.
      const r1 = await store().webhooks.recordAttempt(run.id, a.id, outcome(1, "pending", 500));
      expect(r1.next).toBeUndefined();
      expect(r1.delivery).toMatchObject({
        attempt: 1,
        status: "pending",
        nextAttemptAt: new Date(1_700_000_100_000),
      });
      const r1again = await store().webhooks.recordAttempt(run.id, a.id, outcome(1, "succeeded", 200));
      expect(r1again.delivery?.status).toBe("pending");
      const r2 = await store().webhooks.recordAttempt(run.id, a.id, outcome(2, "succeeded", 200));
      expect(r2.delivery).toMatchObject({ attempt: 2, status: "succeeded", nextAttemptAt: null });
      expect(r2.delivery?.attempts).toEqual([
        { attempt: 1, at: new Date(1_700_000_000_001), responseStatus: 500, durationMs: 3, error: null },
        { attempt: 2, at: new Date(1_700_000_000_002), responseStatus: 200, durationMs: 3, error: null },
      ]);
      expect(r2.next?.id).toBe(b.id);
      // Repeating the final record (a worker that died after writing it) reports the same next.
      expect(
        (await store().webhooks.recordAttempt(run.id, a.id, outcome(2, "succeeded", 200))).next?.id,
      ).toBe(b.id);
      expect((await store().webhooks.recordAttempt(run.id, b.id, outcome(1, "failed", null))).next?.id).toBe(
        c.id,
      );
      const rc = await store().webhooks.recordAttempt(run.id, c.id, outcome(1, "succeeded", 204));
      expect(rc.next).toBeUndefined();
      expect((await store().webhooks.getDelivery(run.id, b.id))?.attempts[0]?.error).toBe("timeout");

      // Retry puts a finished delivery back; the queue was idle, so it starts.
      const retried = await store().webhooks.retry(run.id, b.id);
      expect(retried.delivery).toMatchObject({ status: "pending", attempt: 1, roundStart: 1 });
      expect(retried.start?.id).toBe(b.id);
      expect((await store().webhooks.retry(run.id, b.id)).start).toBeUndefined();
      expect(await store().webhooks.retry(run.id, "msg_nope")).toEqual({
        delivery: undefined,
        start: undefined,
      });
    });

    it("keeps deliveries per run and drops them with the webhook and the run", async () => {
      const a = await newRun();
      const b = await newRun();
      const hook = await store().webhooks.create(a.id, {
        url: "http://127.0.0.1:9/",
        events: ["message.received"],
        secret: "whsec_x",
      });
      const { added } = await store().webhooks.addDeliveries(a.id, hook.id, hook.cursor + 1, [
        delivery(hook.cursor + 1),
      ]);
      const id = added[0]?.id as string;
      expect(await store().webhooks.list(b.id)).toEqual([]);
      expect(await store().webhooks.get(b.id, hook.id)).toBeUndefined();
      expect(await store().webhooks.getDelivery(b.id, id)).toBeUndefined();
      expect(await store().webhooks.delete(b.id, hook.id)).toBe(false);
      await expect(store().webhooks.listDeliveries(b.id, hook.id)).rejects.toMatchObject({
        code: "webhook_not_found",
      });
      expect(
        (await store().webhooks.recordAttempt(b.id, id, outcome(1, "succeeded", 200))).delivery,
      ).toBeUndefined();
      expect((await store().webhooks.getDelivery(a.id, id))?.attempt).toBe(0);

      const other = await store().webhooks.create(a.id, {
        url: "http://127.0.0.1:9/",
        events: ["message.received"],
        secret: "whsec_x",
      });
      await store().webhooks.delete(a.id, hook.id);
      expect(await store().webhooks.getDelivery(a.id, id)).toBeUndefined();
      expect(await store().deleteRun(a.id)).toBe(true);
      await expect(store().webhooks.get(a.id, other.id)).rejects.toMatchObject({ code: "run_not_found" });
      expect(await store().webhooks.runsWithWebhooks()).not.toContain(a.id);
    });
  });
}
