import type { StoreEvent } from "@sandmail/core";
import { type MailboxEntry, UidColumns } from "@sandmail/store";
import { describe, expect, it } from "vitest";
import { TimeSlicer } from "../src/content/index.js";
import { MailboxTracker } from "../src/session/tracker.js";

function columns(entries: MailboxEntry[]): UidColumns {
  const out = new UidColumns();
  for (const e of entries) out.push(e.uid, e.messageId, e.flags, e.modSeq);
  return out;
}

/**
 * A model of one mailbox (the truth) and of what a client has been told. Random changes arrive
 * as store events; flushes happen with EXPUNGE allowed or not. The client model applies every
 * update the tracker emits and must always agree with the tracker's map, never receive an
 * EXPUNGE when not allowed, and end equal to the truth after an allowed flush.
 */
describe("MailboxTracker against a model", () => {
  it("keeps the client's view consistent under random changes", () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      let nextUid = 1;
      let modSeq = 1;
      const truth = new Map<number, string[]>();
      const initial = Array.from({ length: rand(8) }, () => {
        const uid = nextUid++;
        truth.set(uid, []);
        return { uid, messageId: `m${uid}`, flags: [], modSeq: modSeq++ };
      });
      const tracker = new MailboxTracker("mb", columns(initial), 0);
      const client: Array<number | undefined> = initial.map((e) => e.uid); // undefined: uid not yet learned
      const clientFlags = new Map<number, readonly string[]>();

      for (let step = 0; step < 60; step++) {
        const action = rand(5);
        const event = ((): StoreEvent | undefined => {
          const base = { runId: "r", seq: modSeq, address: "a", mailboxId: "mb" };
          if (action === 0 || truth.size === 0) {
            const uid = nextUid++;
            truth.set(uid, []);
            return { ...base, type: "message.added", messageId: `m${uid}`, uid, flags: [], modSeq: modSeq++ };
          }
          const uids = [...truth.keys()];
          const uid = uids[rand(uids.length)]!;
          if (action === 1) {
            truth.delete(uid);
            return { ...base, type: "message.expunged", messageId: `m${uid}`, uid, modSeq: modSeq++ };
          }
          if (action === 2) {
            truth.delete(uid);
            return {
              ...base,
              type: "message.moved",
              messageId: `m${uid}`,
              fromMailboxId: "mb",
              fromUid: uid,
              mailboxId: "other",
              uid: 1,
              flags: [],
              modSeq: modSeq++,
            };
          }
          if (action === 3) {
            const flags = rand(2) ? ["\\Seen"] : ["\\Flagged"];
            truth.set(uid, flags);
            return { ...base, type: "message.flags", messageId: `m${uid}`, uid, flags, modSeq: modSeq++ };
          }
          return undefined;
        })();
        if (event) tracker.queue(event);
        // Deliver duplicates now and then: the store may replay what a session already applied.
        if (event && rand(4) === 0) tracker.queue(event);

        if (rand(3) === 0) {
          const allow = rand(2) === 0;
          for (const u of tracker.flush(allow)) {
            if (u.type === "expunge") {
              expect(allow, "EXPUNGE only where allowed").toBe(true);
              expect(u.seq).toBeLessThanOrEqual(client.length);
              client.splice(u.seq - 1, 1);
            } else if (u.type === "exists") {
              expect(u.count).toBeGreaterThanOrEqual(client.length);
              while (client.length < u.count) client.push(undefined);
            } else if (u.type === "fetch") {
              const known = client[u.seq - 1];
              if (known !== undefined)
                expect(known, "FETCH names the message the client has there").toBe(u.uid);
              client[u.seq - 1] = u.uid;
              clientFlags.set(u.uid, u.flags);
            }
          }
          expect(client.length).toBe(tracker.count);
          // A client learns unknown UIDs by fetching them: they must be the tracker's.
          client.forEach((uid, i) => {
            if (uid === undefined) client[i] = tracker.at(i + 1)!.uid;
            else expect(tracker.at(i + 1)!.uid).toBe(uid);
          });
        }
      }
      for (const _ of tracker.flush(true)) {
        // drain
      }
      const final = tracker.flush(true);
      expect(final).toEqual([]);
      expect([...tracker.uids()]).toEqual([...truth.keys()].sort((a, b) => a - b));
      for (let seq = 1; seq <= tracker.count; seq++) {
        const m = tracker.at(seq)!;
        expect(m.flags).toEqual(truth.get(m.uid));
      }
    }
  });

  it("holds EXPUNGE back during non-UID FETCH/STORE/SEARCH and keeps sequence numbers valid", () => {
    const tracker = new MailboxTracker(
      "mb",
      columns([1, 2, 3].map((uid) => ({ uid, messageId: `m${uid}`, flags: [], modSeq: uid }))),
      0,
    );
    const base = { runId: "r", seq: 10, address: "a", mailboxId: "mb" };
    tracker.queue({ ...base, type: "message.expunged", messageId: "m2", uid: 2, modSeq: 10 });
    tracker.queue({ ...base, type: "message.added", messageId: "m4", uid: 4, flags: [], modSeq: 11 });
    expect(tracker.flush(false)).toEqual([
      { type: "exists", count: 4 },
      // The three initial messages were claimed as \Recent (recentAbove 0); the new one was not.
      { type: "recent", count: 3 },
    ]);
    expect(tracker.at(2)!.uid).toBe(2);
    expect(tracker.at(2)!.gone).toBe(true);
    expect(tracker.flush(true)).toEqual([{ type: "expunge", seq: 2, uid: 2 }]);
    expect([...tracker.uids()]).toEqual([1, 3, 4]);
  });

  it("ignores its own STORE and EXPUNGE when their events arrive later", () => {
    const tracker = new MailboxTracker("mb", columns([{ uid: 1, messageId: "m1", flags: [], modSeq: 1 }]), 0);
    tracker.noteFlags(1, ["\\Seen"], 5);
    tracker.queue({
      type: "message.flags",
      runId: "r",
      seq: 5,
      address: "a",
      mailboxId: "mb",
      messageId: "m1",
      uid: 1,
      flags: ["\\Seen"],
      modSeq: 5,
    });
    expect(tracker.flush(true)).toEqual([]);
    tracker.noteExpunged([1]);
    expect(tracker.flush(true)).toEqual([{ type: "expunge", seq: 1, uid: 1 }]);
    tracker.queue({
      type: "message.expunged",
      runId: "r",
      seq: 6,
      address: "a",
      mailboxId: "mb",
      messageId: "m1",
      uid: 1,
      modSeq: 6,
    });
    expect(tracker.flush(true)).toEqual([]);
  });
});

describe("MailboxTracker.flushSliced", () => {
  it("returns what flush returns, pausing between changes, and leaves later events for the next flush", async () => {
    const initial = Array.from({ length: 50 }, (_, i) => ({
      uid: i + 1,
      messageId: `m${i + 1}`,
      flags: [],
      modSeq: i + 1,
    }));
    const plain = new MailboxTracker("mb", columns(initial), 0);
    const sliced = new MailboxTracker("mb", columns(initial), 0);
    const base = { runId: "r", address: "a", mailboxId: "mb" };
    let modSeq = 100;
    const events: StoreEvent[] = [];
    for (let round = 0; round < 3; round++)
      for (let uid = 1; uid <= 50; uid++) {
        const flags = round % 2 ? ["\\Seen"] : ["\\Flagged", `k${round}`];
        events.push({
          ...base,
          type: "message.flags",
          seq: ++modSeq,
          messageId: `m${uid}`,
          uid,
          flags,
          modSeq,
        });
      }
    events.push({ ...base, type: "message.expunged", seq: ++modSeq, messageId: "m7", uid: 7, modSeq });
    events.push({
      ...base,
      type: "message.added",
      seq: ++modSeq,
      messageId: "m51",
      uid: 51,
      flags: [],
      modSeq,
    });
    for (const e of events) {
      plain.queue(e);
      sliced.queue(e);
    }
    // A slicer always due: a pause after every change, the most interleaving there can be.
    const slicer = new TimeSlicer(0);
    let pauses = 0;
    const pause = slicer.pause.bind(slicer);
    slicer.pause = async () => {
      pauses++;
      // Arrives while the flush is paused: not part of it.
      if (pauses === 10)
        sliced.queue({
          ...base,
          type: "message.added",
          seq: 999,
          messageId: "m52",
          uid: 52,
          flags: [],
          modSeq: 999,
        });
      await pause();
    };
    const expected = plain.flush(true, 40, plain.plan());
    const got = await sliced.flushSliced(true, 40, sliced.plan(), slicer);
    expect(pauses).toBe(events.length);
    expect(got).toEqual(expected);
    expect(got.filter((u) => u.type === "fetch")).toHaveLength(49);
    expect(sliced.flush(true)).toEqual([
      { type: "exists", count: 51 },
      { type: "recent", count: 50 },
    ]);
  });
});
