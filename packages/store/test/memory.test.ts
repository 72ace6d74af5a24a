import { ByteBudget, type SessionTranscript } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../src/index.js";
import { describeMailStoreContract } from "./contract.js";
import { appendInput, metaFor, rawMessage } from "./fixtures.js";

describeMailStoreContract("MemoryStore", async (options) => new MemoryStore(options));

describe("MemoryStore specifics", () => {
  it("charges kept transcripts to the memory budget and gives the bytes back as they go", async () => {
    const budget = new ByteBudget(10_000);
    const store = new MemoryStore({ budget });
    await store.createRun({ id: "talky", ttlSeconds: 60, limits: { maxMessages: 10, maxBytes: 1e6 } });
    const session = (id: string, bytes: number): SessionTranscript => ({
      id,
      protocol: "pop3",
      client: "127.0.0.1",
      tls: false,
      user: null,
      startedAt: 1,
      endedAt: 2,
      commands: 0,
      bytes,
      omitted: 0,
      lines: [],
    });
    const ring = { maxSessions: 2, maxBytes: 1e6 };
    await store.addSession("talky", session("a", 3000), ring);
    await store.addSession("talky", session("b", 3000), ring);
    expect(budget.used).toBe(6000);
    await store.addSession("talky", session("c", 3000), ring); // a goes
    expect(budget.used).toBe(6000);
    await expect(store.addSession("talky", session("d", 5000), ring)).rejects.toMatchObject({
      code: "storage_full",
    });
    expect((await store.listSessions("talky")).map((s) => s.id)).toEqual(["c", "b"]);
    await store.deleteRun("talky");
    expect(budget.used).toBe(0);
    await store.close();
  });

  it("keeps the newest sessions in order and the budget exact while a full ring turns over many times", async () => {
    const budget = new ByteBudget(1e6);
    const store = new MemoryStore({ budget });
    await store.createRun({ id: "busy", ttlSeconds: 60, limits: { maxMessages: 10, maxBytes: 1e6 } });
    const ring = { maxSessions: 5, maxBytes: 1e6 };
    for (let i = 0; i < 500; i++) {
      await store.addSession(
        "busy",
        {
          id: `s${i}`,
          protocol: "smtp",
          client: "127.0.0.1",
          tls: false,
          user: null,
          startedAt: i,
          endedAt: i + 1,
          commands: 1,
          bytes: 100 + (i % 7),
          omitted: 0,
          lines: [{ at: i, from: "client", text: `line ${i}` }],
        },
        ring,
      );
    }
    expect((await store.listSessions("busy")).map((s) => s.id)).toEqual([
      "s499",
      "s498",
      "s497",
      "s496",
      "s495",
    ]);
    expect(budget.used).toBe([495, 496, 497, 498, 499].reduce((n, i) => n + 100 + (i % 7), 0));
    expect((await store.getSession("busy", "s497"))?.lines).toEqual([
      { at: 497, from: "client", text: "line 497" },
    ]);
    expect(await store.getSession("busy", "s494")).toBeUndefined();
    await store.deleteRun("busy");
    expect(budget.used).toBe(0);
    await store.close();
  });

  it("drops expired runs on the sweep, without anyone touching them", async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    await store.createRun({ id: "sweepme", ttlSeconds: 10, limits: { maxMessages: 10, maxBytes: 1e6 } });
    await store.appendMessage("sweepme", appendInput("u@x.test", "s"));
    expect(store.sweepExpired()).toBe(0);
    now += 10_000;
    expect(store.sweepExpired()).toBe(1);
    expect(await store.getRun("sweepme")).toBeUndefined();
    await store.close();
  });

  it("keeps only the newest 10,000 events of a run", async () => {
    const store = new MemoryStore();
    await store.createRun({ id: "chatty", ttlSeconds: 60, limits: { maxMessages: 20_000, maxBytes: 1e9 } });
    const raw = Buffer.from("Subject: x\r\n\r\nx\r\n");
    for (let i = 0; i < 12_000; i++)
      await store.appendMessage("chatty", appendInput("u@x.test", "x", { raw }));
    const seq = await store.currentSeq("chatty");
    const events = await store.eventsSince("chatty", 0);
    expect(events.length).toBeGreaterThanOrEqual(10_000);
    expect(events.length).toBeLessThan(12_000);
    expect(events.at(-1)?.seq).toBe(seq);
    expect((await store.eventsSince("chatty", seq - 10)).length).toBe(10);
    await store.close();
  });

  it("builds a message's MIME tree on its first read, once, and never for listing", async () => {
    const store = new MemoryStore();
    await store.createRun({ id: "lazy", ttlSeconds: 60, limits: { maxMessages: 10, maxBytes: 1e6 } });
    const raw = rawMessage("lazy");
    const { mime, ...meta } = metaFor(raw, "lazy");
    let built = 0;
    const indexMime = () => {
      built++;
      return mime;
    };
    const m = await store.appendMessage("lazy", { address: "u@x.test", raw, meta, indexMime });
    const archive = await store.getMailbox("lazy", "u@x.test", "Archive");
    const copy = await store.copyMessages("lazy", [m.id], archive!.id);
    await store.listMessages("lazy");
    expect(built).toBe(0);
    expect((await store.getMessage("lazy", m.id))?.mime).toEqual(mime);
    expect((await store.getMessage("lazy", m.id))?.mime).toEqual(mime);
    // The copy shares the stored bytes, and so the tree built from them.
    expect((await store.getMessage("lazy", copy.mapping[0]!.newMessageId))?.mime).toEqual(mime);
    expect(built).toBe(1);
    await store.close();
  });

  it("deletes a run of 15,000 addresses without holding the event loop: the run is dropped whole", async () => {
    const store = new MemoryStore();
    const run = await store.createRun({ ttlSeconds: 60, limits: { maxMessages: 15_000, maxBytes: 1e9 } });
    for (let i = 0; i < 15_000; i++) await store.appendMessage(run.id, appendInput(`u${i}@x.test`, "s"));
    // deleteRun's work is all synchronous: its duration is how long it holds the loop.
    const started = performance.now();
    expect(await store.deleteRun(run.id)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
    expect(await store.getRun(run.id)).toBeUndefined();
    await store.close();
  });
});
