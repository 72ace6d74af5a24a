import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

describe("run isolation over SMTP and HTTP", () => {
  let sb: TestSandbox;
  let a: TestRun;
  let b: TestRun;
  let messageId: string;

  const send = (to: string, subject: string) =>
    nodemailer
      .createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true })
      .sendMail({ from: "app@example.com", to, subject, text: "secret" });

  beforeAll(async () => {
    sb = await startTestSandbox({ SANDMAIL_CATCH_ALL: "false" });
    a = await sb.createRun({ label: "a" });
    b = await sb.createRun({ label: "b" });
    await send(a.address("alice"), "for a only");
    const list = (await (await sb.api(a, `/v1/runs/${a.id}/messages`)).json()) as {
      messages: Array<{ id: string }>;
    };
    messageId = list.messages[0]?.id ?? "";
    expect(messageId).not.toBe("");
  });
  afterAll(() => sb.close());

  it("run B's token cannot list, read, patch or delete run A's mail", async () => {
    const paths = [
      ["GET", `/v1/runs/${a.id}`],
      ["GET", `/v1/runs/${a.id}/messages`],
      ["GET", `/v1/runs/${a.id}/inboxes`],
      ["GET", `/v1/runs/${a.id}/messages/${messageId}`],
      ["GET", `/v1/runs/${a.id}/messages/${messageId}/raw`],
      ["PATCH", `/v1/runs/${a.id}/messages/${messageId}`],
      ["DELETE", `/v1/runs/${a.id}/messages/${messageId}`],
      ["DELETE", `/v1/runs/${a.id}`],
    ] as const;
    for (const [method, path] of paths) {
      const res = await sb.api(b, path, {
        method,
        ...(method === "PATCH"
          ? { body: JSON.stringify({ seen: true }), headers: { "content-type": "application/json" } }
          : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.text()).not.toContain("secret");
    }
    // A's message id asked for under B's own run: not found, though B's token is valid there.
    for (const suffix of ["", "/raw"]) {
      const res = await sb.api(b, `/v1/runs/${b.id}/messages/${messageId}${suffix}`);
      expect(res.status).toBe(404);
    }
    // And A's message is untouched.
    const still = (await (await sb.api(a, `/v1/runs/${a.id}/messages/${messageId}`)).json()) as {
      seen: boolean;
    };
    expect(still.seen).toBe(false);
  });

  it("a message sent to B's domain never shows in A", async () => {
    await send(b.address("bob"), "for b only");
    const listA = (await (await sb.api(a, `/v1/runs/${a.id}/messages`)).json()) as {
      messages: Array<{ subject: string }>;
    };
    expect(listA.messages.map((m) => m.subject)).toEqual(["for a only"]);
  });

  it("a deleted run's mail is gone from every view, and SMTP refuses its addresses", async () => {
    const c = await sb.createRun();
    await send(c.address("carol"), "doomed");
    const list = (await (await sb.api(c, `/v1/runs/${c.id}/messages`)).json()) as {
      messages: Array<{ id: string }>;
    };
    const id = list.messages[0]?.id;
    expect((await sb.api(c, `/v1/runs/${c.id}`, { method: "DELETE" })).status).toBe(204);
    for (const path of [
      `/v1/runs/${c.id}`,
      `/v1/runs/${c.id}/messages`,
      `/v1/runs/${c.id}/messages/${id}/raw`,
    ]) {
      expect((await sb.api(c, path)).status).toBe(404);
    }
    expect(await sb.store.listMessages(c.id).catch(() => [])).toEqual([]);
    await expect(send(c.address("carol"), "after delete")).rejects.toMatchObject({ responseCode: 550 });
  });

  it("an expired run's mail is gone from every view", async () => {
    const d = await sb.createRun({ ttlSeconds: 1 });
    await send(d.address("dave"), "short-lived");
    expect((await sb.api(d, `/v1/runs/${d.id}/messages`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await sb.api(d, `/v1/runs/${d.id}`)).status).toBe(404);
    expect((await sb.api(d, `/v1/runs/${d.id}/messages`)).status).toBe(404);
    expect(await sb.store.getRun(d.id)).toBeUndefined();
    await expect(send(d.address("dave"), "too late")).rejects.toMatchObject({ responseCode: 550 });
  });
});
