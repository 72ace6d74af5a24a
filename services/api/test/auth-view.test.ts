import type { AuthSummary } from "@sandmail/core";
import { indexMessage } from "@sandmail/mime";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, buildRaw, createRun, makeApp, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const auth: AuthSummary = {
  spf: { result: "softfail", domain: "shop.example", reason: "127.0.0.1 is not listed" },
  dkim: [{ result: "pass", domain: "shop.example", selector: "s1", algorithm: "rsa-sha256", aligned: true }],
  dmarc: { result: "pass", domain: "shop.example", policy: "quarantine" },
  arc: { result: "pass", instance: 2 },
  received: [
    {
      authservId: "mx.forwarder.example",
      version: 1,
      results: [
        { method: "dkim", result: "pass", properties: { "header.d": "shop.example", "header.s": "s1" } },
      ],
      raw: "mx.forwarder.example; dkim=pass header.d=shop.example header.s=s1",
    },
  ],
};

describe("auth in the message view", () => {
  it("shows the results stored at ingest unchanged", async () => {
    t = await makeApp();
    const run = await createRun(t.app);
    const raw = buildRaw({ to: `alice@${run.domain}` });
    const msg = await t.store.appendMessage(run.id, {
      address: `alice@${run.domain}`,
      raw,
      meta: { ...indexMessage(raw), auth },
      envelope: {
        mailFrom: "a@shop.example",
        rcptTo: [`alice@${run.domain}`],
        clientAddress: "127.0.0.1",
        helo: "h",
        tls: false,
      },
    });
    const res = await t.app.inject({
      url: `/v1/runs/${run.id}/messages/${msg.id}`,
      headers: bearer(run.token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().auth).toEqual(auth);
  });

  it("is null for mail that did not arrive over SMTP", async () => {
    t = await makeApp();
    const run = await createRun(t.app);
    const raw = buildRaw({ to: `alice@${run.domain}` });
    const msg = await t.store.appendMessage(run.id, {
      address: `alice@${run.domain}`,
      raw,
      meta: indexMessage(raw),
    });
    const res = await t.app.inject({
      url: `/v1/runs/${run.id}/messages/${msg.id}`,
      headers: bearer(run.token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().auth).toBeNull();
  });
});
