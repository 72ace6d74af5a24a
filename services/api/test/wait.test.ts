import { afterEach, describe, expect, it } from "vitest";
import { bearer, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";
import { CountingStore } from "./wait-support.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setup() {
  const store = new CountingStore();
  t = await makeApp({}, { store });
  const run = await createRun(t.app);
  const headers = bearer(run.token);
  const base = `/v1/runs/${run.id}/messages/wait`;
  const app = t.app;
  const wait = (query: string) => app.inject({ url: `${base}?${query}`, headers });
  const post = (body: object) => app.inject({ method: "POST", url: base, headers, payload: body });
  return { t, app, store, run, headers, base, wait, post };
}

describe("wait for messages", () => {
  it("answers at once for mail already stored, with the full message and a cursor", async () => {
    const { store, run, wait } = await setup();
    await seed(store, run, { subject: "Other" });
    const msg = await seed(store, run, { subject: "Welcome aboard", text: "Hi Alice" });
    const res = await wait("subject=welcome");
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.cursor).toBe(msg.seq);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({
      id: msg.id,
      seq: msg.seq,
      subject: "Welcome aboard",
      text: "Hi Alice\n",
    });
    expect(body.messages[0].headers.length).toBeGreaterThan(0);
  });

  it("wakes for mail that arrives after the wait started", async () => {
    const { store, run, wait } = await setup();
    const pending = wait("subject=Reset&timeout=60000");
    await store.untilActive(1);
    await seed(store, run, { subject: "Welcome" });
    const msg = await seed(store, run, { subject: "Reset your password" });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.map((m: { id: string }) => m.id)).toEqual([msg.id]);
    await store.untilActive(0);
  });

  it("sees a message stored while it scans (subscribed before the scan)", async () => {
    const { store, run, wait } = await setup();
    let late: { id: string } | undefined;
    // The scan's answer is computed before this message exists; only the event can deliver it.
    store.onNextList = async () => {
      late = await seed(store, run, { subject: "During the scan" });
    };
    const res = await wait("subject=during&timeout=60000");
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0].id).toBe(late?.id);
  });

  it("times out with 408 naming how many matched and what came instead", async () => {
    const { store, run, wait } = await setup();
    await seed(store, run, { subject: "Welcome", to: `alice@${run.domain}` });
    await seed(store, run, { subject: "Your invoice", to: `bob@${run.domain}` });
    const res = await wait("subject=Welcome&count=2&timeout=60");
    expect(res.statusCode).toBe(408);
    const problem = problemOf(res) as ReturnType<typeof problemOf> & Record<string, unknown>;
    expect(problem.code).toBe("wait_timeout");
    expect(problem.detail).toContain('1 of 2 message(s) matched subject contains "Welcome" within 60 ms');
    expect(problem.detail).toContain(`"Your invoice" to bob@${run.domain}`);
    expect(problem).toMatchObject({ wanted: 2, matched: 1, timeoutMs: 60, unmatchedCount: 1 });
    expect(problem.matchedMessages).toEqual([expect.objectContaining({ subject: "Welcome" })]);
    expect(problem.unmatched).toEqual([
      expect.objectContaining({
        subject: "Your invoice",
        to: [`bob@${run.domain}`],
        inbox: `bob@${run.domain}`,
      }),
    ]);
  });

  it("a timeout after a long history names the latest of it, newest first, leaving out those deleted", async () => {
    const { store, run, wait } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 450; i++) ids.push((await seed(store, run, { subject: `Other ${i}` })).id);
    await store.deleteMessages(run.id, [ids[448]!]);
    const problem = problemOf(await wait("subject=Welcome&timeout=1")) as ReturnType<typeof problemOf> &
      Record<string, unknown>;
    expect(problem).toMatchObject({ matched: 0, unmatchedCount: 449 });
    expect((problem.unmatched as Array<{ id: string }>).map((m) => m.id)).toEqual(
      [...ids.slice(439, 448), ids[449]].reverse(),
    );
  });

  it("waits for `count` messages and answers them in arrival order", async () => {
    const { store, run, wait } = await setup();
    const first = await seed(store, run, { subject: "Order 1" });
    const pending = wait("subject=order&count=3&timeout=60000");
    await store.untilActive(1);
    const second = await seed(store, run, { subject: "Order 2" });
    await seed(store, run, { subject: "Unrelated" });
    const third = await seed(store, run, { subject: "Order 3" });
    await seed(store, run, { subject: "Order 4" });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.map((m: { id: string }) => m.id)).toEqual([first.id, second.id, third.id]);
    expect(res.json().cursor).toBe(third.seq);
  });

  it("`after` skips what an earlier wait returned", async () => {
    const { store, run, wait } = await setup();
    await seed(store, run, { subject: "Code 1" });
    const one = (await wait("subject=code")).json();
    const second = await seed(store, run, { subject: "Code 2" });
    const two = (await wait(`subject=code&after=${one.cursor}`)).json();
    expect(two.messages[0].id).toBe(second.id);
    expect(two.cursor).toBe(second.seq);
    const none = await wait(`subject=code&after=${two.cursor}&timeout=0`);
    expect(none.statusCode).toBe(408);
    expect(problemOf(none).detail).toContain("0 of 1");
  });

  it("a wait that found nothing leaves a mark: the next with the same criteria scans only newer mail", async () => {
    const { store, run, wait } = await setup();
    for (let i = 0; i < 5; i++) await seed(store, run, { subject: `Other ${i}` });
    const last = await seed(store, run, { subject: "Other 5" });
    expect((await wait("subject=Welcome&timeout=1")).statusCode).toBe(408);
    store.queries.length = 0;
    expect((await wait("subject=Welcome&timeout=1")).statusCode).toBe(408);
    expect(store.queries.map((q) => q.afterSeq)).toEqual([last.seq, last.seq]);
    // Other criteria, and criteria on read state, scan from the start.
    store.queries.length = 0;
    expect((await wait("subject=Other 9&timeout=1")).statusCode).toBe(408);
    expect(store.queries[0]?.afterSeq).toBe(0);
    store.queries.length = 0;
    expect((await wait("subject=Welcome&unread=true&timeout=1")).statusCode).toBe(408);
    expect(store.queries[0]?.afterSeq).toBe(0);
    // The mark never hides mail that comes after it.
    const welcome = await seed(store, run, { subject: "Welcome" });
    const res = await wait("subject=Welcome&timeout=1");
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0].id).toBe(welcome.id);
  });

  it("a wait after a cursor that found nothing does not hide older mail from a wait without one", async () => {
    const { store, run, wait } = await setup();
    const welcome = await seed(store, run, { subject: "Welcome" });
    const other = await seed(store, run, { subject: "Other" });
    expect((await wait(`subject=Welcome&after=${welcome.seq}&timeout=1`)).statusCode).toBe(408);
    expect((await wait(`subject=Welcome&after=${other.seq}&timeout=1`)).statusCode).toBe(408);
    const res = await wait("subject=Welcome&timeout=1");
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0].id).toBe(welcome.id);
  });

  it("waits with the same criteria arriving together read the history once between them", async () => {
    const { store, run, wait } = await setup();
    // More than one batch of a paged read.
    let last = 0;
    for (let i = 0; i < 450; i++) last = (await seed(store, run, { subject: `Other ${i}` })).seq;
    store.queries.length = 0;
    const answers = await Promise.all([1, 2, 3, 4].map(() => wait("subject=Welcome&timeout=1")));
    expect(answers.map((r) => r.statusCode)).toEqual([408, 408, 408, 408]);
    // One waiter read the history (from the start, onwards only); the others started at its mark.
    const historyReads = store.queries.map((q) => q.afterSeq ?? 0).filter((after) => after < last);
    expect(historyReads[0]).toBe(0);
    expect(historyReads).toEqual([...new Set(historyReads)].sort((a, b) => a - b));
    // The mark never hides mail that comes after it, however the waits were queued.
    const welcome = await seed(store, run, { subject: "Welcome" });
    const res = await wait("subject=Welcome&timeout=1");
    expect(res.json().messages[0].id).toBe(welcome.id);
  });

  it("a wait for an exact `to` reads that recipient's messages, not the run's", async () => {
    const { store, run, wait } = await setup();
    const bob = `bob@${run.id}.sandmail.test`;
    for (let i = 0; i < 5; i++) await seed(store, run, { subject: `Other ${i}` });
    const forBob = await seed(store, run, { subject: "Hi", to: bob });
    store.queries.length = 0;
    const res = await wait(`to=${encodeURIComponent(`"${bob.toUpperCase()}"`)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0].id).toBe(forBob.id);
    expect(store.queries[0]).toMatchObject({ recipient: bob, afterSeq: 0 });
    // `to` contains: every message may match, so the run is scanned.
    store.queries.length = 0;
    expect((await wait("to=bob&timeout=1")).statusCode).toBe(200);
    expect(store.queries[0]?.recipient).toBeUndefined();
  });

  it("POST takes the same criteria and controls as JSON", async () => {
    const { store, run, post } = await setup();
    const msg = await seed(store, run, { subject: "Welcome!" });
    const res = await post({ subject: { equals: "Welcome!" }, count: 1, timeout: 100 });
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0].id).toBe(msg.id);
  });
});

describe("expect=none", () => {
  it("answers 200 with no messages when nothing matched within the timeout", async () => {
    const { store, run, wait } = await setup();
    const other = await seed(store, run, { subject: "Hello" });
    const res = await wait("subject=Password&expect=none&timeout=50");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ messages: [], cursor: other.seq });
  });

  it("answers 409 with the offending message as soon as one arrives", async () => {
    const { store, run, wait } = await setup();
    const pending = wait("subject=Password&expect=none&timeout=60000");
    await store.untilActive(1);
    const msg = await seed(store, run, { subject: "Password changed" });
    const res = await pending;
    expect(res.statusCode).toBe(409);
    const problem = problemOf(res) as ReturnType<typeof problemOf> & Record<string, unknown>;
    expect(problem.code).toBe("unexpected_message");
    expect(problem.detail).toContain('"Password changed"');
    expect(problem.message).toMatchObject({ id: msg.id, subject: "Password changed" });
    expect(problem.cursor).toBe(msg.seq);
  });
});

describe("state at decision time", () => {
  it("unread is checked again when deciding: a message read meanwhile does not count", async () => {
    const { store, run, wait } = await setup();
    const pending = wait("subject=alert&unread=true&count=2&timeout=60000");
    await store.untilActive(1);
    const read = await seed(store, run, { subject: "Alert 1" });
    await store.updateFlags(run.id, [read.id], { op: "add", flags: ["\\Seen"] });
    const b = await seed(store, run, { subject: "Alert 2" });
    const c = await seed(store, run, { subject: "Alert 3" });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.map((m: { id: string }) => m.id)).toEqual([b.id, c.id]);
  });

  it("a message marked read while waiting for read mail then matches", async () => {
    const { store, run, wait } = await setup();
    const msg = await seed(store, run, { subject: "Newsletter" });
    const pending = wait("unread=false&timeout=60000");
    await store.untilActive(1);
    await store.updateFlags(run.id, [msg.id], { op: "add", flags: ["\\Seen"] });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json().messages[0]).toMatchObject({ id: msg.id, seen: true });
  });

  it("a deleted run ends its waits with 404", async () => {
    const { store, run, wait } = await setup();
    const pending = wait("timeout=60000");
    await store.untilActive(1);
    await store.deleteRun(run.id);
    const res = await pending;
    expect(res.statusCode).toBe(404);
    expect(problemOf(res).code).toBe("run_not_found");
  });

  it("closing the server ends held waits with 503 instead of holding the close up", async () => {
    const { store, wait } = await setup();
    const pending = wait("timeout=60000");
    await store.untilActive(1);
    await t?.app.close();
    const res = await pending;
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toContain("shutting down");
  });
});
