import { loopBusy } from "@sandmail/core";
import { compileMatcher } from "@sandmail/matcher";
import { describe, expect, it } from "vitest";
import {
  MemoryStore,
  recipientForms,
  type ScannedMessage,
  type ScanPrefilter,
  type ScanQuery,
} from "../src/index.js";
import { appendInput } from "./fixtures.js";

const limits = { maxMessages: 10_000, maxBytes: 100_000_000 };

async function newStore() {
  const store = new MemoryStore();
  const run = await store.createRun({ id: "prefilter", ttlSeconds: 600, limits });
  return { store, run };
}

type Test = (m: ScannedMessage) => boolean;

/**
 * A scan from afterSeq to done over as many calls as it takes, with or without the prefilter:
 * every seq the scan looked at (tested or passed over) in the order it did, and what it tested.
 */
async function scanAll(
  store: MemoryStore,
  query: ScanQuery,
  test: Test,
  needles?: Omit<ScanPrefilter, "passed">,
  limit?: number,
) {
  const looked: number[] = [];
  const tested: number[] = [];
  const passedIds: string[] = [];
  const prefilter: ScanPrefilter | undefined = needles && {
    ...needles,
    passed(messages) {
      for (let i = 0; i < messages.count; i++) {
        looked.push(messages.seq(i));
        passedIds.push(messages.id(i));
      }
    },
  };
  const matched: string[] = [];
  let after = query.afterSeq ?? 0;
  for (let calls = 0; calls < 10_000; calls++) {
    const res = await store.scanMessages(
      "prefilter",
      { ...query, afterSeq: after },
      (m) => {
        looked.push(m.seq);
        tested.push(m.seq);
        return test(m);
      },
      { ...(prefilter ? { prefilter } : {}), ...(limit ? { limit } : {}) },
    );
    matched.push(...res.matched.map((m) => m.id));
    expect(res.scannedTo).toBeGreaterThanOrEqual(after);
    if (looked.length) expect(res.scannedTo).toBe(looked[looked.length - 1]);
    after = res.scannedTo;
    if (res.done || (limit && res.matched.length >= limit))
      return { looked, tested, passedIds, matched, after, calls: calls + 1 };
    // As a wait does: the next slice in the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("the scan does not end");
}

const welcome = compileMatcher("WELCOME");
const bySubject: Test = (m) => welcome.test(m.summary.subject);

describe("MemoryStore prefiltered scans", () => {
  it("test only the candidates and pass over the rest, each message once in seq order, matching as a full scan", async () => {
    const { store, run } = await newStore();
    const ids: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const subject = i % 50 === 7 ? `Welcome #${i}` : i % 50 === 8 ? `wELCOMe #${i}` : `Other ${i}`;
      ids.push((await store.appendMessage(run.id, appendInput(i % 3 ? "a@x.test" : "b@x.test", subject))).id);
    }
    // Deleted (a match among them), read, and moved to another folder and to another inbox.
    await store.deleteMessages(run.id, [ids[7]!, ids[100]!, ids[1499]!]);
    await store.updateFlags(run.id, [ids[57]!, ids[58]!], { op: "add", flags: ["\\Seen"] });
    const archive = (await store.getMailbox(run.id, "a@x.test", "Archive"))!;
    const bInbox = (await store.getMailbox(run.id, "b@x.test", "INBOX"))!;
    await store.moveMessages(run.id, [ids[107]!], archive.id);
    await store.moveMessages(run.id, [ids[208]!, ids[300]!], bInbox.id);

    for (const query of [
      {},
      { afterSeq: 700 },
      { address: "a@x.test" },
      { address: "b@x.test", afterSeq: 3 },
    ]) {
      const listed = (await store.listMessages(run.id, { ...query, order: "asc" })).map((m) => m.seq);
      const full = await scanAll(store, query, bySubject);
      const pre = await scanAll(store, query, bySubject, { subject: welcome.needle });
      expect(full.looked).toEqual(listed);
      expect(pre.looked).toEqual(listed);
      expect(pre.matched).toEqual(full.matched);
      expect(pre.after).toBe(full.after);
      // Only the candidates were tested: the matches and the message moved to another inbox.
      expect(pre.tested.length).toBeLessThanOrEqual(pre.matched.length + 2);
      expect(pre.matched.length).toBeGreaterThan(0);
    }

    // A `to` needle finds the messages moved to the inbox it names, though they arrived for another.
    const toB = compileMatcher("B@X.TEST");
    const forB: Test = (m) => recipientForms(m.address, m.summary, m.envelope).some((f) => toB.test(f));
    const full = await scanAll(store, {}, forB);
    const pre = await scanAll(store, {}, forB, { to: toB.needle });
    expect(pre.matched).toEqual(full.matched);
    expect(pre.matched).toContain(ids[208]);
    expect(pre.looked).toEqual(full.looked);
  });

  it("stops at its limit and goes on from there, passing over the same messages a full scan turns down", async () => {
    const { store, run } = await newStore();
    const ids: string[] = [];
    for (let i = 0; i < 600; i++)
      ids.push(
        (
          await store.appendMessage(
            run.id,
            appendInput("a@x.test", i % 100 === 50 ? "Welcome" : `Other ${i}`),
          )
        ).id,
      );
    const first = await scanAll(store, {}, bySubject, { subject: "welcome" }, 1);
    expect(first.matched).toEqual([ids[50]]);
    expect(first.passedIds).toEqual(ids.slice(0, 50));
    expect(first.tested).toHaveLength(1);
    const rest = await scanAll(store, { afterSeq: first.after }, bySubject, { subject: "welcome" }, 2);
    expect(rest.matched).toEqual([ids[150], ids[250]]);
    expect(rest.passedIds).toEqual([...ids.slice(51, 150), ...ids.slice(151, 250)]);
  });

  it("goes on prefiltered when the loop cuts it short, however little of the list is left", async () => {
    const { store, run } = await newStore();
    for (let i = 0; i < 1500; i++)
      await store.appendMessage(
        run.id,
        appendInput(i % 3 ? "a@x.test" : "b@x.test", i % 50 === 0 ? `Welcome ${i}` : `Other ${i}`),
      );
    // Other work has used this turn's budget (loopBusy is shared) by the first candidate: the scan
    // stops at the end of the columns' first chunk, with ~160 of b's ~500 messages left.
    let first = true;
    const slowFirst: Test = (m) => {
      if (first) {
        first = false;
        loopBusy();
        const until = performance.now() + 6;
        while (performance.now() < until);
      }
      return bySubject(m);
    };
    const pre = await scanAll(store, { address: "b@x.test" }, slowFirst, { subject: welcome.needle });
    expect(pre.calls).toBeGreaterThan(1);
    expect(pre.matched.length).toBe(10);
    // Only candidates, in both calls: the second, on a short rest, did not test all of it.
    expect(pre.tested).toHaveLength(pre.matched.length);
  });

  it("tests a small inbox of a large run in place instead of searching the whole run", async () => {
    const { store } = await newStore();
    for (let i = 0; i < 6000; i++)
      await store.appendMessage(
        "prefilter",
        appendInput(i % 20 ? "big@x.test" : "small@x.test", `Other ${i}`),
      );
    const small = await scanAll(store, { address: "small@x.test" }, bySubject, { subject: "welcome" });
    expect(small.tested).toHaveLength(300);
    const big = await scanAll(store, { address: "big@x.test" }, bySubject, { subject: "welcome" });
    expect(big.tested).toHaveLength(0);
    expect(big.looked).toHaveLength(5700);
  });
});
