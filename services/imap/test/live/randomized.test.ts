/**
 * Seeded random traffic: three sessions run STORE / EXPUNGE / MOVE / APPEND / FETCH / SEARCH /
 * NOOP at once while mail arrives through the store. After every command each session's model
 * (seq -> UID as told) is checked: no FETCH names another UID than the model holds, no EXPUNGE
 * comes where RFC 3501 forbids it, and a FETCH by sequence number returns the Message-ID of the
 * message the model expects there. At the end, every model equals the store. Runs on one
 * MemoryStore, and across two IMAP services on two RedisStore clients of one Redis (as two
 * processes would). A failure prints the seed; the same seed replays the same choices.
 */
import { indexMessage } from "@sandmail/mime";
import { MemoryStore, RedisStore } from "@sandmail/store";
import { describe, expect, inject, it } from "vitest";
import { message } from "../support/server.js";
import { headerMessageId, ModelClient, prng } from "./support/model-client.js";
import { type World, world } from "./support/world.js";

async function traffic(w: World, seed: number, opsPerClient: number): Promise<void> {
  const rand = prng(seed);
  const store = w.stores[0]!;
  const idOfUid = new Map<number, string>();
  let serial = 0;
  const nextRaw = () => {
    serial++;
    return message(1000 + serial, { subject: `r${serial}` });
  };
  const deliver = async () => {
    const raw = nextRaw();
    const stored = await store.appendMessage(w.runId, { address: w.address, raw, meta: indexMessage(raw) });
    idOfUid.set(stored.uid, headerMessageId(raw.toString("latin1")));
  };
  for (let i = 0; i < 10; i++) await deliver();
  const inboxId = (await store.getMailbox(w.runId, w.address, "INBOX"))!.id;

  const clients: ModelClient[] = [];
  for (let i = 0; i < 3; i++) {
    const c = await ModelClient.open(w.ports[i % w.ports.length]!, w.address, w.token, `c${i}`);
    await c.select();
    clients.push(c);
  }
  const failures: string[] = [];
  const check = (c: ModelClient, step: string, lines: string[]) => {
    // A FETCH by number must return the message the model has at that number.
    for (const line of lines) {
      const m = /^(\d+) FETCH .*BODY\[HEADER\.FIELDS/.exec(line);
      if (!m) continue;
      const uid = c.seqs[Number(m[1]) - 1];
      const expected = uid === undefined ? undefined : idOfUid.get(uid);
      if (expected !== headerMessageId(line)) {
        failures.push(
          `${step}: seq ${m[1]} -> uid ${uid} expected ${expected}, got ${headerMessageId(line)}`,
        );
      }
    }
    // Sequence numbers grow with UIDs: a model out of order has been renumbered wrongly.
    const known = c.seqs.filter((u): u is number => u !== undefined);
    for (let i = 1; i < known.length; i++)
      if (known[i]! <= known[i - 1]!) failures.push(`${step}: model out of order ${known}`);
    if (c.violations.length) failures.push(`${step}: ${c.violations.splice(0).join("; ")}`);
  };

  const setOf = (c: ModelClient) => {
    const n = c.count;
    if (n === 0) return undefined;
    const a = 1 + rand(n);
    const b = Math.min(n, a + rand(3));
    return a === b ? `${a}` : `${a}:${b}`;
  };

  const act = async (c: ModelClient, i: number) => {
    const op = rand(10);
    const set = setOf(c);
    const step = `seed ${seed} ${c.name} op ${i}`;
    let line: string;
    if (op === 0) {
      await deliver();
      line = "NOOP";
    } else if (op === 1 || !set) {
      const raw = nextRaw();
      line = `APPEND INBOX {${raw.length}+}\r\n${raw.toString("latin1")}`;
      const reply = await c.command(line);
      const m = /APPENDUID \d+ (\d+)/.exec(reply.text);
      if (m) idOfUid.set(Number(m[1]), headerMessageId(raw.toString("latin1")));
      check(c, step, reply.untagged);
      return;
    } else if (op === 2) line = `STORE ${set} +FLAGS (\\Deleted)`;
    else if (op === 3) line = `UID STORE ${c.seqs[c.count - 1] ?? 1} FLAGS (\\Seen)`;
    else if (op === 4) line = "EXPUNGE";
    else if (op === 5) line = `MOVE ${set} Archive`;
    else if (op === 6) line = "SEARCH DELETED";
    else if (op === 7) line = "NOOP";
    else line = `FETCH ${set} (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])`;
    const reply = await c.command(line);
    if (reply.status === "BAD") failures.push(`${step}: ${line} -> ${reply.text}`);
    check(c, step, reply.untagged);
  };

  await Promise.all(
    clients.map(async (c) => {
      for (let i = 0; i < opsPerClient && failures.length === 0; i++) await act(c, i);
    }),
  );
  for (const c of clients) {
    await c.verify(store, w.runId, inboxId);
    failures.push(...c.violations);
    await c.close();
  }
  expect(failures, `seed ${seed}`).toEqual([]);
}

describe("random concurrent traffic keeps every session's numbering right", () => {
  it("on one MemoryStore: 3 sessions x 300 commands", async () => {
    const w = await world([new MemoryStore()]);
    try {
      await traffic(w, 20240501, 300);
    } finally {
      await w.close();
    }
  }, 120_000);

  it("across two IMAP services sharing a Redis: 3 sessions x 150 commands", async () => {
    const prefix = `imap-live-${process.pid}-${Date.now()}:`;
    const url = inject("redisUrl");
    const w = await world([
      new RedisStore({ url, keyPrefix: prefix }),
      new RedisStore({ url, keyPrefix: prefix }),
    ]);
    try {
      await traffic(w, 7, 150);
    } finally {
      await w.close();
    }
  }, 120_000);
});
