import { afterEach, describe, expect, it } from "vitest";
import { bearer, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("GET /v1/runs/{run}/inboxes", () => {
  it("lists the addresses that received mail, with counts, sorted", async () => {
    t = await makeApp();
    const run = await createRun(t.app);
    const headers = bearer(run.token);
    expect((await t.app.inject({ url: `/v1/runs/${run.id}/inboxes`, headers })).json()).toEqual({
      inboxes: [],
    });

    const first = await seed(t.store, run, { to: `Zed@${run.domain}` });
    await seed(t.store, run, { to: `zed@${run.domain}` });
    await seed(t.store, run, { to: `amy@${run.domain}` });
    await t.store.updateFlags(run.id, [first.id], { op: "add", flags: ["\\Seen"] });

    const res = await t.app.inject({ url: `/v1/runs/${run.id}/inboxes`, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      inboxes: [
        { address: `amy@${run.domain}`, messages: 1, unseen: 1 },
        { address: `zed@${run.domain}`, messages: 2, unseen: 1 },
      ],
    });
  });

  it("needs the run's token", async () => {
    t = await makeApp();
    const a = await createRun(t.app);
    const b = await createRun(t.app);
    await seed(t.store, a, { to: `secret@${a.domain}` });
    const res = await t.app.inject({ url: `/v1/runs/${a.id}/inboxes`, headers: bearer(b.token) });
    expect(res.statusCode).toBe(401);
    expect(problemOf(res).code).toBe("unauthorized");
    expect(res.body).not.toContain("secret@");
    const none = await t.app.inject({ url: `/v1/runs/${a.id}/inboxes` });
    expect(none.statusCode).toBe(401);
  });
});
