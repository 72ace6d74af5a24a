import { type MailStore, MemoryStore, RedisStore, type StoreListener } from "@sandmail/store";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { SseClient, type SseEvent } from "../../../test/support/sse-client.js";
import {
  bearer,
  type Created,
  createRun,
  listen,
  makeApp,
  problemOf,
  seed,
  type TestApp,
} from "./helpers.js";

/** A real MemoryStore that counts live subscriptions, so a test can await their release. */
class CountingStore extends MemoryStore {
  active = 0;
  readonly #waiters = new Set<() => void>();

  override async subscribe(runId: string, listener: StoreListener): Promise<() => void> {
    const off = await super.subscribe(runId, listener);
    this.active++;
    this.#changed();
    let done = false;
    return () => {
      off();
      if (done) return;
      done = true;
      this.active--;
      this.#changed();
    };
  }

  /** Resolves once exactly `n` subscriptions are live. */
  activeIs(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.active !== n) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }
}

const ids = (events: SseEvent[]) => events.map((e) => Number(e.id));
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

function expectStrictlyIncreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1] as number);
}

describe("GET /v1/runs/{run}/events over HTTP (MemoryStore)", () => {
  let store: CountingStore;
  let t: TestApp;
  let base: string;
  let run: Created;
  const clients: SseClient[] = [];

  const open = async (query = "", headers: Record<string, string> = bearer(run.token), forRun = run) => {
    const client = await SseClient.connect(`${base}/v1/runs/${forRun.id}/events${query}`, headers);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    store = new CountingStore();
    t = await makeApp({}, { store });
    base = await listen(t.app);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await store.activeIs(0);
    run = await createRun(t.app);
  });
  afterAll(async () => {
    await t.close();
    await store.close();
  });
  beforeAll(async () => {
    run = await createRun(t.app);
  });

  it("streams added (with the summary), flags, moved and expunged, ids = run seqs, increasing", async () => {
    const es = await open();
    expect(es.status).toBe(200);
    expect(es.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(es.headers.get("cache-control")).toMatch(/no-cache/);
    await store.activeIs(1);

    const msg = await seed(store, run, { subject: "Welcome aboard" });
    const added = await es.takeUntil((e) => e.event === "message.added");
    expect(added.id).toBe(String(msg.seq));
    expect(added.json).toMatchObject({
      type: "message.added",
      messageId: msg.id,
      seq: msg.seq,
      runId: run.id,
    });
    expect(added.json.message).toMatchObject({ id: msg.id, subject: "Welcome aboard", seen: false });
    expect(es.retry).toBe(2000);

    const url = `/v1/runs/${run.id}/messages/${msg.id}`;
    const patch = await t.app.inject({
      method: "PATCH",
      url,
      headers: bearer(run.token),
      payload: { seen: true },
    });
    expect(patch.statusCode).toBe(200);
    const flags = await es.takeUntil((e) => e.event === "message.flags");
    expect(flags.json).toMatchObject({ messageId: msg.id, flags: ["\\Seen"] });

    const trash = await store.getMailbox(run.id, msg.address, "Trash");
    await store.moveMessages(run.id, [msg.id], trash!.id);
    const moved = await es.takeUntil((e) => e.event === "message.moved");
    expect(moved.json).toMatchObject({
      messageId: msg.id,
      fromMailboxId: msg.mailboxId,
      mailboxId: trash!.id,
    });

    const del = await t.app.inject({ method: "DELETE", url, headers: bearer(run.token) });
    expect(del.statusCode).toBe(204);
    const expunged = await es.takeUntil((e) => e.event === "message.expunged");
    expect(expunged.json).toMatchObject({ messageId: msg.id, mailboxId: trash!.id });

    const all = es.events;
    expectStrictlyIncreasing(ids(all));
    for (const e of all) expect(e.json.seq).toBe(Number(e.id));
    expect(Number(expunged.id)).toBe(await store.currentSeq(run.id));
  });

  it("resumes with Last-Event-ID: exactly the rest, while mail keeps arriving", async () => {
    const start = await store.currentSeq(run.id);
    const total = 60;
    let reconnecting!: () => void;
    const gate = new Promise<void>((resolve) => {
      reconnecting = resolve;
    });
    const producing = (async () => {
      for (let i = 0; i < total; i++) {
        // Half before the client drops, half while it reconnects.
        if (i === total / 2) await gate;
        await seed(store, run, { subject: `m${i}`, to: `load@${run.id}.sandmail.test` });
        await yieldToIo();
      }
    })();

    const first = await open(`?after=${start}`);
    const head = await first.take(20);
    first.close();
    await first.done;
    const lastId = head[head.length - 1]!.id!;

    reconnecting();
    const second = await open("", { ...bearer(run.token), "last-event-id": lastId });
    await producing;
    const final = await store.currentSeq(run.id);
    await second.takeUntil((e) => Number(e.id) === final);

    const seen = [...ids(head), ...ids(second.events)];
    const expected = Array.from({ length: final - start }, (_, i) => start + 1 + i);
    expect(seen).toEqual(expected);
    const subjects = [...head, ...second.events]
      .filter((e) => e.event === "message.added")
      .map((e) => (e.json.message as { subject: string }).subject);
    expect(subjects).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
  });

  it("`?after=` replays from a cursor; the header wins over it", async () => {
    const a = await seed(store, run, { subject: "a" });
    const b = await seed(store, run, { subject: "b" });
    const byQuery = await open(`?after=${a.seq}&types=message.added`);
    expect((await byQuery.take(1))[0]!.id).toBe(String(b.seq));
    const both = await open(`?after=0&types=message.added`, {
      ...bearer(run.token),
      "last-event-id": String(a.seq),
    });
    expect((await both.take(1))[0]!.id).toBe(String(b.seq));
  });

  it("filters by type and inbox; run.deleted always comes and ends the stream", async () => {
    const onlyFlags = await open("?types=message.flags,%20message.expunged");
    const onlyBob = await open(`?inbox=BOB@${run.id}.sandmail.test&types=message.added`);
    await store.activeIs(2);
    const alice = await seed(store, run, { to: `alice@${run.id}.sandmail.test`, subject: "for alice" });
    const bob = await seed(store, run, { to: `bob@${run.id}.sandmail.test`, subject: "for bob" });
    await store.updateFlags(run.id, [alice.id], { op: "add", flags: ["\\Flagged"] });

    const flag = (await onlyFlags.take(1))[0]!;
    expect(flag).toMatchObject({ event: "message.flags", id: String(bob.seq + 1) });
    const bobs = (await onlyBob.take(1))[0]!;
    expect(bobs.json).toMatchObject({ messageId: bob.id, address: `bob@${run.id}.sandmail.test` });

    const del = await t.app.inject({
      method: "DELETE",
      url: `/v1/runs/${run.id}`,
      headers: bearer(run.token),
    });
    expect(del.statusCode).toBe(204);
    for (const es of [onlyFlags, onlyBob]) {
      const last = await es.takeUntil((e) => e.event === "run.deleted");
      expect(last.json).toMatchObject({ type: "run.deleted", runId: run.id });
      await es.done;
      expect(es.pending).toEqual([]);
    }
    expect(onlyFlags.events.map((e) => e.event)).toEqual(["message.flags", "run.deleted"]);
    expect(onlyBob.events.map((e) => e.event)).toEqual(["message.added", "run.deleted"]);
    await store.activeIs(0);
  });

  it("a disconnecting client releases its store subscription at once", async () => {
    const es = await open();
    await store.activeIs(1);
    es.close();
    await store.activeIs(0);
    // And the run's writers are unaffected.
    await seed(store, run, { subject: "after the client left" });
    expect(store.active).toBe(0);
  });

  it("tells a client whose id is older than the kept events to resync (event: reset)", async () => {
    const msg = await seed(store, run, { subject: "toggled" });
    // A run keeps its newest 10,000 events: push seq 1.. out of the log.
    for (let i = 0; i < 11_001; i++) {
      await store.updateFlags(run.id, [msg.id], { op: i % 2 === 0 ? "add" : "remove", flags: ["\\Seen"] });
    }
    const current = await store.currentSeq(run.id);
    const es = await open("?after=1");
    const [reset] = await es.take(1);
    expect(reset).toMatchObject({ event: "reset", id: String(current) });
    expect(reset!.json).toEqual({ type: "reset", reason: "expired", requested: 1, seq: current });
    // The stream goes on from there.
    await store.updateFlags(run.id, [msg.id], { op: "add", flags: ["$Done"] });
    const [next] = await es.take(1);
    expect(next).toMatchObject({ event: "message.flags", id: String(current + 1) });

    // An id ahead of the run (a run created anew under the same id) is not silently accepted.
    const ahead = await open(`?after=${current + 1000}`);
    const [unknown] = await ahead.take(1);
    expect(unknown!.json).toMatchObject({ type: "reset", reason: "unknown", requested: current + 1000 });
    expect(unknown!.id).toBe(String(current + 1));
  });

  it("authenticates: bearer, or ?token= on this route only; another run's token is 401 and sees nothing", async () => {
    const other = await createRun(t.app);
    const none = await fetch(`${base}/v1/runs/${run.id}/events`);
    expect(none.status).toBe(401);
    expect(
      problemOf({
        statusCode: none.status,
        headers: { "content-type": none.headers.get("content-type") },
        body: await none.text(),
      }).code,
    ).toBe("unauthorized");

    const crossed = await fetch(`${base}/v1/runs/${run.id}/events`, { headers: bearer(other.token) });
    expect(crossed.status).toBe(401);
    const crossedQuery = await fetch(`${base}/v1/runs/${run.id}/events?token=${other.token}`);
    expect(crossedQuery.status).toBe(401);
    await crossed.text();
    await crossedQuery.text();
    // A bad header is not rescued by a good ?token=: the header wins.
    const mixed = await fetch(`${base}/v1/runs/${run.id}/events?token=${run.token}`, {
      headers: bearer(other.token),
    });
    expect(mixed.status).toBe(401);
    await mixed.text();
    // ?token= is for the event stream only.
    const list = await fetch(`${base}/v1/runs/${run.id}/messages?token=${run.token}`);
    expect(list.status).toBe(401);
    await list.text();

    const browser = await open(`?token=${encodeURIComponent(run.token)}&types=message.added`, {});
    expect(browser.status).toBe(200);
    const theirs = await open("?types=message.added", bearer(other.token), other);
    await store.activeIs(2);
    const mine = await seed(store, run, { subject: "mine" });
    const [got] = await browser.take(1);
    expect(got!.json).toMatchObject({ messageId: mine.id, runId: run.id });
    const foreign = await seed(store, other, { subject: "theirs" });
    const [their] = await theirs.take(1);
    expect(their!.json).toMatchObject({ messageId: foreign.id, runId: other.id });
    expect(theirs.events.every((e) => e.json.runId === other.id)).toBe(true);
    expect(browser.events.every((e) => e.json.runId === run.id)).toBe(true);
  });

  it("answers bad input with problem+json before any stream starts", async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ["?types=message.added,bogus", {}, "types"],
      ["?types=,", {}, "types"],
      ["?after=-1", {}, "after"],
      ["?after=1e3", {}, "after"],
      ["", { "last-event-id": "abc" }, "last-event-id"],
    ];
    for (const [query, headers, path] of cases) {
      const res = await fetch(`${base}/v1/runs/${run.id}/events${query}`, {
        headers: { ...bearer(run.token), ...headers },
      });
      const body = problemOf({
        statusCode: res.status,
        headers: { "content-type": res.headers.get("content-type") },
        body: await res.text(),
      });
      expect(res.status, query).toBe(400);
      expect(body.code).toBe("invalid_request");
      expect(body.errors?.[0]?.path, query).toBe(path);
    }
    const head = await fetch(`${base}/v1/runs/${run.id}/events`, {
      method: "HEAD",
      headers: bearer(run.token),
    });
    expect(head.status).toBe(404);
    expect(store.active).toBe(0);
  });

  it("server shutdown ends open streams instead of hanging", async () => {
    const own = new CountingStore();
    const app = await makeApp({}, { store: own });
    const url = await listen(app.app);
    const r = await createRun(app.app);
    const es = await SseClient.connect(`${url}/v1/runs/${r.id}/events`, bearer(r.token));
    await own.activeIs(1);
    await app.close();
    await es.done;
    expect(es.ended).toBe(true);
    expect(own.active).toBe(0);
    await own.close();
  });
});

describe("GET /v1/runs/{run}/events over HTTP (RedisStore, events through pub/sub)", () => {
  let store: MailStore;
  let writer: MailStore;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    const keyPrefix = `sm-events-${process.pid}:`;
    store = await RedisStore.connect({ url: inject("redisUrl"), keyPrefix });
    // Another connection writes, as another process would.
    writer = await RedisStore.connect({ url: inject("redisUrl"), keyPrefix });
    t = await makeApp({}, { store });
    base = await listen(t.app);
  });
  afterAll(async () => {
    await t.close();
    await store.close();
    await writer.close();
  });

  it("replays then goes live across a reconnect with no loss and no duplicates", async () => {
    const run = await createRun(t.app);
    const start = await writer.currentSeq(run.id);
    let reconnecting!: () => void;
    const gate = new Promise<void>((resolve) => {
      reconnecting = resolve;
    });
    const producing = (async () => {
      for (let i = 0; i < 40; i++) {
        if (i === 20) await gate;
        await seed(writer, run, { subject: `r${i}` });
      }
    })();
    const first = await SseClient.connect(
      `${base}/v1/runs/${run.id}/events?after=${start}`,
      bearer(run.token),
    );
    const head = await first.take(10);
    first.close();
    await first.done;
    reconnecting();
    const second = await SseClient.connect(`${base}/v1/runs/${run.id}/events`, {
      ...bearer(run.token),
      "last-event-id": head[head.length - 1]!.id!,
    });
    await producing;
    const final = await writer.currentSeq(run.id);
    await second.takeUntil((e) => Number(e.id) === final);
    second.close();
    const seen = [...ids(head), ...ids(second.events)];
    expect(seen).toEqual(Array.from({ length: final - start }, (_, i) => start + 1 + i));
    const added = [...head, ...second.events].filter((e) => e.event === "message.added");
    expect(added.map((e) => (e.json.message as { subject: string }).subject)).toEqual(
      Array.from({ length: 40 }, (_, i) => `r${i}`),
    );
  });
});
