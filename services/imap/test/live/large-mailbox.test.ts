/**
 * A SELECTed session over a large mailbox answers SELECT and FETCH FLAGS from its columnar view
 * of the mailbox (no message read from the store). Seeded random changes made through the store
 * (as the API makes them) and by a second IMAP session (STORE with new keywords, \Deleted and
 * UID EXPUNGE) reach the observing session, and after every round:
 * - its model (seq -> UID and flags as told) equals the store, message by message;
 * - `UID FETCH <set> (FLAGS)` (the view) and `UID FETCH <set> (FLAGS RFC822.SIZE)` (the
 *   per-message path that reads every message from the store) report the same flags;
 * - no FETCH shows a keyword before a FLAGS response announced it.
 * 100,000 messages on the MemoryStore; fewer on Redis (filling it costs a round trip each).
 */
import { indexMessage } from "@sandmail/mime";
import { type MailStore, MemoryStore, RedisStore } from "@sandmail/store";
import { describe, expect, inject, it } from "vitest";
import { message } from "../support/server.js";
import { ModelClient, prng } from "./support/model-client.js";
import { world } from "./support/world.js";

/** FLAGS of every FETCH line (by UID), without the session's \Recent. */
function flagsByUid(lines: string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of lines) {
    const uid = /[( ]UID (\d+)/.exec(line);
    const flags = /FLAGS \(([^)]*)\)/.exec(line);
    if (uid && flags) out.set(Number(uid[1]), canonical(flags[1]!.split(" ")));
  }
  return out;
}

const canonical = (flags: readonly string[]) =>
  flags
    .filter((f) => f && f !== "\\Recent")
    .sort()
    .join(" ");

/** Every keyword a FETCH shows was announced by an earlier FLAGS response of the session. */
function keywordOrder(lines: string[], announced: Set<string>, failures: string[], step: string): void {
  for (const line of lines) {
    const flagsLine = /^FLAGS \(([^)]*)\)/.exec(line);
    if (flagsLine) {
      for (const f of flagsLine[1]!.split(" ")) announced.add(f);
      continue;
    }
    const fetched = /^\d+ FETCH .*FLAGS \(([^)]*)\)/.exec(line);
    if (!fetched) continue;
    for (const f of fetched[1]!.split(" ")) {
      if (f && !f.startsWith("\\") && !announced.has(f))
        failures.push(`${step}: ${f} shown before announced`);
    }
  }
}

async function check(store: MailStore, size: number, seed: number, rounds: number): Promise<void> {
  const w = await world([store], size * 2);
  const rand = prng(seed);
  try {
    const { runId, address } = w;
    // One summary for all: what is checked here are UIDs and flags, not contents.
    const meta = indexMessage(message(0));
    for (let i = 1; i <= size; i++) {
      await store.appendMessage(runId, {
        address,
        raw: message(i),
        meta,
        ...(i % 7 === 0 ? { flags: ["\\Seen", "$Old"] } : {}),
      });
    }
    const inbox = (await store.getMailbox(runId, address, "INBOX"))!;
    const observer = await ModelClient.open(w.ports[0]!, address, w.token, "a");
    const actor = await ModelClient.open(w.ports[0]!, address, w.token, "b");
    const announced = new Set<string>();
    const failures: string[] = [];
    const selected = await observer.ok("SELECT INBOX");
    keywordOrder(selected.untagged, announced, failures, "select");
    expect(selected.untagged).toContain(`${size} EXISTS`);
    const all = await observer.ok("UID FETCH 1:* (FLAGS)");
    keywordOrder(all.untagged, announced, failures, "first fetch");
    expect(observer.count).toBe(size);
    await actor.ok("SELECT INBOX");

    const truth = async () => {
      const msgs = await store.listMessages(runId, { mailboxId: inbox.id, order: "asc" });
      return new Map(msgs.map((m) => [m.uid, { id: m.id, flags: canonical(m.flags) }]));
    };
    let t = await truth();
    const pickUids = (n: number) => {
      const uids = [...t.keys()];
      return Array.from({ length: n }, () => uids[rand(uids.length)]!);
    };
    const flagPool = ["\\Seen", "\\Flagged", "\\Answered", "\\Draft", "$Old", "$Label1"];
    const someFlags = (round: number) => {
      const out = new Set<string>();
      for (let k = 0, n = 1 + rand(3); k < n; k++) out.add(flagPool[rand(flagPool.length)]!);
      // A keyword nobody used before: the observer must be told of it before it shows.
      if (rand(3) === 0) out.add(`$New${round}x${rand(1000)}`);
      return [...out];
    };

    for (let round = 0; round < rounds; round++) {
      const step = `seed ${seed} round ${round}`;
      // Picks are made from the state at the start of the round; a pick gone meanwhile is a no-op.
      const ids = new Map([...t].map(([uid, m]) => [uid, m.id]));
      const byUid = (uid: number) => ids.get(uid)!;
      for (let k = 0; k < 4; k++) {
        const action = rand(6);
        const uids = pickUids(1 + rand(5));
        const op = (["add", "remove", "set"] as const)[rand(3)]!;
        if (action === 0) {
          await store.updateFlags(runId, uids.map(byUid), { op, flags: someFlags(round) });
        } else if (action === 1) {
          const sign = op === "add" ? "+" : op === "remove" ? "-" : "";
          await actor.ok(`UID STORE ${uids.join(",")} ${sign}FLAGS (${someFlags(round).join(" ")})`);
        } else if (action === 2) {
          await store.deleteMessages(runId, uids.map(byUid));
        } else if (action === 3) {
          await actor.ok(`UID STORE ${uids.join(",")} +FLAGS.SILENT (\\Deleted)`);
          await actor.ok(`UID EXPUNGE ${uids.join(",")}`);
        } else if (action === 4) {
          await store.appendMessage(runId, { address, raw: message(size + round * 10 + k), meta });
        } else {
          await actor.ok("NOOP");
        }
      }
      // What the observer is told (NOOP reports everything) must be the store's state.
      const noop = await observer.ok("NOOP");
      keywordOrder(noop.untagged, announced, failures, step);
      // New mail arrives as EXISTS: learn its UIDs (and only those) the way a client does.
      const unknown = observer.seqs.indexOf(undefined);
      if (unknown >= 0) await observer.ok(`FETCH ${unknown + 1}:* (UID FLAGS)`);
      t = await truth();
      const now = t;
      const model = new Map<number, string>();
      for (const uid of observer.seqs) {
        if (uid === undefined) failures.push(`${step}: a message the observer never learned the UID of`);
        else model.set(uid, canonical(observer.flags.get(uid) ?? []));
      }
      if (model.size !== now.size) failures.push(`${step}: observer has ${model.size}, store ${now.size}`);
      for (const [uid, m] of now) {
        if (model.get(uid) !== m.flags)
          failures.push(`${step}: uid ${uid} observer "${model.get(uid)}" store "${m.flags}"`);
      }
      // The view and the per-message path agree over a random set (the model check above covers all).
      const set = pickUids(500).join(",");
      const fast = await observer.ok(`UID FETCH ${set} (FLAGS)`);
      const slow = await observer.ok(`UID FETCH ${set} (FLAGS RFC822.SIZE)`);
      keywordOrder([...fast.untagged, ...slow.untagged], announced, failures, step);
      const a = flagsByUid(fast.untagged);
      const b = flagsByUid(slow.untagged);
      if (a.size !== b.size) failures.push(`${step}: view reports ${a.size} messages, store path ${b.size}`);
      for (const [uid, flags] of b) {
        if (a.get(uid) !== flags)
          failures.push(`${step}: uid ${uid} view "${a.get(uid)}" store path "${flags}"`);
      }
      failures.push(...observer.violations.splice(0), ...actor.violations.splice(0));
      if (failures.length > 0) break;
    }
    await observer.close();
    await actor.close();
    expect(failures).toEqual([]);
  } finally {
    await w.close();
  }
}

describe("a SELECTed session over a large mailbox sees every change", () => {
  it("100,000 messages on the MemoryStore", async () => {
    await check(new MemoryStore(), 100_000, 11, 12);
  }, 300_000);

  it("5,000 messages on the RedisStore", async () => {
    const url = inject("redisUrl");
    await check(
      new RedisStore({ url, keyPrefix: `imap-large-${process.pid}-${Date.now()}:` }),
      5_000,
      12,
      25,
    );
  }, 300_000);
});
