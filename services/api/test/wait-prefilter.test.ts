import type { Run } from "@sandmail/core";
import { compileMatcher } from "@sandmail/matcher";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, createRun, type MailSpec, makeApp, problemOf, seed, type TestApp } from "./helpers.js";
import { CountingStore } from "./wait-support.js";

/*
 * Waits whose subject, from or to criteria the MemoryStore prefilters with its scan columns (a run
 * of at least a few hundred messages): they must answer exactly as the in-place scan of every
 * message does, which a pattern criterion (never prefiltered) still gets.
 */

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HISTORY = 400;

async function setup() {
  const store = new CountingStore();
  t = await makeApp({}, { store });
  const run = await createRun(t.app);
  const headers = bearer(run.token);
  const app = t.app;
  const wait = (query: string) => app.inject({ url: `/v1/runs/${run.id}/messages/wait?${query}`, headers });
  const ids: string[] = [];
  const add = async (spec: MailSpec) => {
    const msg = await seed(store, run as Pick<Run, "id">, spec);
    ids.push(msg.id);
    return msg;
  };
  return { store, run, wait, ids, add };
}

/** A subject header as an RFC 2047 encoded word, as mail clients send non-ASCII ones. */
const encoded = (subject: string) => `=?UTF-8?B?${Buffer.from(subject).toString("base64")}?=`;

type Problem = ReturnType<typeof problemOf> & { unmatchedCount: number; unmatched: Array<{ id: string }> };

describe("waits prefiltered by the scan columns", () => {
  it("find an old message behind a long history in any case, testing only the candidates", async () => {
    const { store, wait, add } = await setup();
    await add({ subject: "Other first" });
    const old = await add({ subject: "Welcome aboard", to: `bob@example.test` });
    for (let i = 0; i < HISTORY; i++) await add({ subject: `Newsletter ${i}` });
    store.tested = 0;
    const res = await wait("subject=WELCOME&timeout=1000");
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.map((m: { id: string }) => m.id)).toEqual([old.id]);
    expect(store.tested).toBe(1);
    // `to` contains and `from` contains, from their columns.
    expect((await wait("to=BOB@&timeout=1")).json().messages[0].id).toBe(old.id);
    const both = await wait(`from=${encodeURIComponent("SHOP.example")}&subject=aboard&timeout=1`);
    expect(both.json().messages[0].id).toBe(old.id);
  });

  it("find nothing in the history, then the message that arrives", async () => {
    const { store, run, wait, add } = await setup();
    for (let i = 0; i < HISTORY; i++) await add({ subject: `Newsletter ${i}` });
    const pending = wait("subject=reset&timeout=60000");
    await store.untilActive(1);
    await add({ subject: "Other" });
    const msg = await seed(store, run as Pick<Run, "id">, { subject: "RESET your password" });
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.map((m: { id: string }) => m.id)).toEqual([msg.id]);
  });

  it("report a timeout as the in-place scan does: the count and the latest non-matches, deleted ones left out", async () => {
    const { store, run, wait, add, ids } = await setup();
    const gone = await add({ subject: "Invoice 42" });
    for (let i = 0; i < HISTORY; i++) await add({ subject: `Newsletter ${i}` });
    await store.deleteMessages(run.id, [gone.id, ids[HISTORY - 3]!]);
    store.tested = 0;
    const prefiltered = problemOf(await wait("subject=invoice 42&timeout=1")) as Problem;
    expect(store.tested).toBe(0);
    const scanned = problemOf(
      await wait(`subject=${encodeURIComponent("/invoice 42/i")}&timeout=1`),
    ) as Problem;
    expect(store.tested).toBe(HISTORY - 1);
    expect(prefiltered.status).toBe(408);
    expect(prefiltered.unmatchedCount).toBe(HISTORY - 1);
    expect(prefiltered.unmatchedCount).toBe(scanned.unmatchedCount);
    expect(prefiltered.unmatched).toEqual(scanned.unmatched);
    expect(prefiltered.unmatched.map((m) => m.id)).toEqual(
      [...ids.slice(HISTORY - 10, HISTORY - 3), ...ids.slice(HISTORY - 2)].reverse(),
    );
  });

  it("fold non-ASCII subjects as the matcher does", async () => {
    const { wait, add } = await setup();
    const subjects = ["Grüße aus İstanbul", "ΟΔΥΣΣΕΥΣ", "Kelvin \u212a scale", "ÄRGER im Büro"];
    const found = new Map<string, string>();
    for (const subject of subjects) found.set(subject, (await add({ subject: encoded(subject) })).id);
    for (let i = 0; i < HISTORY; i++) await add({ subject: `Newsletter ${i}` });
    const criteria = [
      "grÜße",
      "GRÜSSE",
      "İSTANBUL",
      "istanbul",
      "οδυσσευς",
      "ΟΔΥΣΣ",
      "ΟΔΥΣ",
      '"ΟΔΥΣΣΕΥΣ"',
      '"οδυσσευς"',
      "kelvin k",
      "ärger IM",
    ];
    for (const criterion of criteria) {
      const matcher = compileMatcher(criterion);
      const expected = subjects.filter((s) => matcher.test(s)).map((s) => found.get(s));
      const res = await wait(
        `subject=${encodeURIComponent(criterion)}&count=${expected.length || 1}&timeout=1`,
      );
      const answered =
        res.statusCode === 200 ? res.json().messages.map((m: { id: string }) => m.id) : problemOf(res).code;
      expect([criterion, answered]).toEqual([criterion, expected.length ? expected : "wait_timeout"]);
    }
  });
});
