import {
  FAULT_RNG_MODULUS,
  faultRngStart,
  joinWithHeadRoom,
  nextFaultRngState,
  RUN_ID_PATTERN,
  type SessionTranscript,
  type StoredMessage,
  type StoreEvent,
} from "@sandmail/core";
import { indexMimeTree } from "@sandmail/mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CreateRunInput,
  DeliveryCopy,
  MailStore,
  MessageParts,
  MessageQuery,
  ScannedMessage,
  ScanQuery,
} from "../src/index.js";
import { appendInput, collectEvents, metaFor, rawMessage, uniqueRunId } from "./fixtures.js";
import { describeWebhookContract } from "./webhook-contract.js";

/** Options a contract test may ask for; the factory passes them to the store's constructor. */
export interface ContractStoreOptions {
  expungedKept?: number;
}

export type StoreFactory = (options?: ContractStoreOptions) => Promise<MailStore>;

const limits = { maxMessages: 1000, maxBytes: 10_000_000 };

/** The behaviour every MailStore must show, run against each implementation. */
export function describeMailStoreContract(name: string, factory: StoreFactory): void {
  describe(`MailStore contract: ${name}`, () => {
    let store: MailStore;

    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close();
    });

    const newRun = async (input: Partial<CreateRunInput> = {}) =>
      store.createRun({ id: uniqueRunId(), ttlSeconds: 600, limits, ...input });

    describe("runs", () => {
      it("creates a run with a chosen id and token and reads it back", async () => {
        const id = uniqueRunId();
        const run = await store.createRun({
          id,
          token: "secret-token",
          label: "ci #1",
          ttlSeconds: 120,
          limits,
        });
        expect(run).toMatchObject({ id, token: "secret-token", label: "ci #1", limits });
        expect(run.expiresAt.getTime() - run.createdAt.getTime()).toBe(120_000);
        const read = await store.getRun(id);
        expect(read).toEqual(run);
        expect(read?.createdAt).toBeInstanceOf(Date);
        expect(await store.currentSeq(id)).toBe(0);
        expect(await store.runCounts(id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
      });

      it("generates distinct DNS-label ids and random tokens", async () => {
        const a = await store.createRun({ ttlSeconds: 60, limits });
        const b = await store.createRun({ ttlSeconds: 60, limits });
        expect(a.id).toMatch(RUN_ID_PATTERN);
        expect(a.id).not.toBe(b.id);
        expect(a.token.length).toBeGreaterThanOrEqual(16);
        expect(a.token).not.toBe(b.token);
        expect(a.label).toBeUndefined();
      });

      it("refuses a taken id with run_exists and a malformed one with invalid_request", async () => {
        const run = await newRun();
        await expect(newRun({ id: run.id })).rejects.toMatchObject({ code: "run_exists" });
        await expect(newRun({ id: "Not A Label" })).rejects.toMatchObject({ code: "invalid_request" });
        await expect(newRun({ ttlSeconds: 0 })).rejects.toMatchObject({ code: "invalid_request" });
      });

      it("answers unknown runs with undefined or run_not_found", async () => {
        const id = uniqueRunId();
        expect(await store.getRun(id)).toBeUndefined();
        expect(await store.deleteRun(id)).toBe(false);
        await expect(store.runCounts(id)).rejects.toMatchObject({ code: "run_not_found" });
        await expect(store.appendMessage(id, appendInput("x@y.test", "s"))).rejects.toMatchObject({
          code: "run_not_found",
        });
        await expect(store.getMessage(id, "1")).rejects.toMatchObject({ code: "run_not_found" });
        await expect(store.listMessages(id)).rejects.toMatchObject({ code: "run_not_found" });
        await expect(store.subscribe(id, () => {})).rejects.toMatchObject({ code: "run_not_found" });
        await expect(store.eventsSince(id, 0)).rejects.toMatchObject({ code: "run_not_found" });
      });

      it("deletes a run with all its mail, raw bytes included", async () => {
        const run = await newRun();
        const msg = await store.appendMessage(run.id, appendInput("u@x.test", "doomed"));
        await store.setDnsRecords(run.id, [{ name: "x.test", type: "TXT", values: ["v=spf1 -all"] }]);
        const sub = await collectEvents(store, run.id);
        expect(await store.deleteRun(run.id)).toBe(true);
        const [deleted] = await sub.until(1);
        expect(deleted).toMatchObject({ type: "run.deleted", runId: run.id });
        expect(await store.getRun(run.id)).toBeUndefined();
        expect(await store.deleteRun(run.id)).toBe(false);
        // Gone for every read and write at once, whatever is left of its data to remove.
        const gone = { code: "run_not_found" };
        await expect(store.getRaw(run.id, msg.id)).rejects.toMatchObject(gone);
        await expect(store.getMessage(run.id, msg.id)).rejects.toMatchObject(gone);
        await expect(store.listMessages(run.id)).rejects.toMatchObject(gone);
        await expect(store.listInboxes(run.id)).rejects.toMatchObject(gone);
        await expect(store.listMailboxes(run.id, "u@x.test")).rejects.toMatchObject(gone);
        await expect(store.mailboxIndex(run.id, msg.mailboxId)).rejects.toMatchObject(gone);
        await expect(store.runCounts(run.id)).rejects.toMatchObject(gone);
        await expect(store.currentSeq(run.id)).rejects.toMatchObject(gone);
        await expect(store.eventsSince(run.id, 0)).rejects.toMatchObject(gone);
        await expect(store.subscribe(run.id, () => {})).rejects.toMatchObject(gone);
        await expect(store.getDnsRecords(run.id)).rejects.toMatchObject(gone);
        await expect(store.appendMessage(run.id, appendInput("u@x.test", "late"))).rejects.toMatchObject(
          gone,
        );
        await expect(
          store.updateFlags(run.id, [msg.id], { op: "add", flags: ["\\Seen"] }),
        ).rejects.toMatchObject(gone);
        expect(await store.activeFaults(run.id)).toBeUndefined();
        expect((await store.listRuns()).some((row) => row.run.id === run.id)).toBe(false);
        // The same id created again starts empty: nothing of the old run survives.
        await store.createRun({ id: run.id, ttlSeconds: 60, limits });
        expect(await store.getRaw(run.id, msg.id)).toBeUndefined();
        expect(await store.getMessage(run.id, msg.id)).toBeUndefined();
        expect(await store.listMessages(run.id)).toEqual([]);
        expect(await store.listInboxes(run.id)).toEqual([]);
        expect(await store.getDnsRecords(run.id)).toEqual([]);
        expect(await store.runCounts(run.id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
        expect(await store.currentSeq(run.id)).toBe(0);
        expect(await store.eventsSince(run.id, 0)).toEqual([]);
      });

      it("lists live runs newest first with their counts, never deleted ones", async () => {
        const older = await newRun({ label: "older" });
        await store.appendMessage(older.id, appendInput("u@x.test", "counted"));
        // Creation times are milliseconds: make the order unambiguous without sleeping on a clock.
        let newer = await newRun({ label: "newer" });
        while (newer.createdAt.getTime() <= older.createdAt.getTime()) {
          await store.deleteRun(newer.id);
          newer = await newRun({ label: "newer" });
        }
        const gone = await newRun();
        await store.deleteRun(gone.id);
        const mine = (await store.listRuns()).filter((row) =>
          [older.id, newer.id, gone.id].includes(row.run.id),
        );
        expect(mine.map((row) => row.run.id)).toEqual([newer.id, older.id]);
        expect(mine[0]?.run).toEqual(newer);
        expect(mine[1]?.counts).toMatchObject({ messages: 1, inboxes: 1 });
        expect(mine[0]?.counts).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
        const limited = await store.listRuns(1);
        expect(limited).toHaveLength(1);
      });

      it("expires a run when its TTL passes", async () => {
        const run = await newRun({ ttlSeconds: 1 });
        const msg = await store.appendMessage(run.id, appendInput("u@x.test", "short-lived"));
        expect(await store.getRun(run.id)).toBeDefined();
        const deadline = Date.now() + 5000;
        while ((await store.getRun(run.id)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(await store.getRun(run.id)).toBeUndefined();
        expect((await store.listRuns()).map((row) => row.run.id)).not.toContain(run.id);
        await expect(store.getRaw(run.id, msg.id)).rejects.toMatchObject({ code: "run_not_found" });
        await expect(store.listMessages(run.id)).rejects.toMatchObject({ code: "run_not_found" });
        // Expired means gone: the id is free again and the new run is empty.
        await store.createRun({ id: run.id, ttlSeconds: 60, limits });
        expect(await store.getMessage(run.id, msg.id)).toBeUndefined();
        expect(await store.runCounts(run.id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
      });
    });

    describe("limits", () => {
      it("refuses messages past maxMessages with quota_exceeded", async () => {
        const run = await newRun({ limits: { maxMessages: 2, maxBytes: 1_000_000 } });
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "1"));
        await store.appendMessage(run.id, appendInput("u@x.test", "2"));
        await expect(store.appendMessage(run.id, appendInput("u@x.test", "3"))).rejects.toMatchObject({
          code: "quota_exceeded",
        });
        const inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        await expect(store.copyMessages(run.id, [a.id], inbox!.id)).rejects.toMatchObject({
          code: "quota_exceeded",
        });
        expect((await store.runCounts(run.id)).messages).toBe(2);
        await store.deleteMessages(run.id, [a.id]);
        await store.appendMessage(run.id, appendInput("u@x.test", "4"));
        expect((await store.runCounts(run.id)).messages).toBe(2);
      });

      it("refuses messages past maxBytes with quota_exceeded", async () => {
        const raw = rawMessage("big", "x".repeat(400));
        const run = await newRun({ limits: { maxMessages: 100, maxBytes: raw.length * 2 + 10 } });
        await store.appendMessage(run.id, appendInput("u@x.test", "big", { raw }));
        await store.appendMessage(run.id, appendInput("u@x.test", "big", { raw }));
        await expect(
          store.appendMessage(run.id, appendInput("u@x.test", "big", { raw })),
        ).rejects.toMatchObject({
          code: "quota_exceeded",
        });
        expect(await store.runCounts(run.id)).toEqual({ messages: 2, bytes: raw.length * 2, inboxes: 1 });
      });
    });

    describe("deliveries", () => {
      const body = rawMessage("delivered", "one body, many copies");
      const delivery = (deliveryId: string, addresses: string[], extra: Partial<DeliveryCopy> = {}) => ({
        deliveryId,
        body,
        copies: addresses.map((address) => {
          const head = Buffer.from(`Received: for <${address}>\r\n`);
          return { address, head, meta: metaFor(Buffer.concat([head, body]), "delivered"), ...extra };
        }),
      });
      const addresses = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@x.test`);

      it("stores one copy per inbox, each its head followed by the shared body, in one step", async () => {
        const run = await newRun();
        const sub = await collectEvents(store, run.id);
        const stored = await store.appendDelivery(
          run.id,
          delivery(uniqueRunId("d"), ["a@x.test", "B@X.test"]),
        );
        expect(stored.map((m) => m.address)).toEqual(["a@x.test", "b@x.test"]);
        expect(stored[1]!.seq).toBeGreaterThan(stored[0]!.seq);
        for (const [i, m] of stored.entries()) {
          const raw = await store.getRaw(run.id, m.id);
          expect(raw?.toString()).toBe(
            `Received: for <${["a@x.test", "B@X.test"][i]}>\r\n${body.toString()}`,
          );
          expect(m.size).toBe(raw?.length);
          expect(await store.getMessage(run.id, m.id)).toEqual(m);
        }
        // A new address gets its INBOX alone; the other default folders wait for a listing.
        const events = await sub.until(4);
        expect(events.map((e) => e.type)).toEqual([
          "mailbox.created",
          "message.added",
          "mailbox.created",
          "message.added",
        ]);
        const added = events.filter((e) => e.type === "message.added");
        expect(added.map((e) => e.seq)).toEqual(stored.map((m) => m.seq));
      });

      it("announces each copy, and answers its retry, as stored, whatever characters its address holds", async () => {
        const run = await newRun();
        const sub = await collectEvents(store, run.id);
        const odd = ['"quote\\"and\\\\back"@x.test', "ünï/côde@x.test", "plain@x.test"];
        const input = delivery(uniqueRunId("d"), odd);
        const stored = await store.appendDelivery(run.id, input);
        expect(stored.map((m) => m.address)).toEqual(odd.map((a) => a.toLowerCase()));
        const answer = (ms: StoredMessage[]) =>
          ms.map(({ id, seq, uid, mailboxId }) => ({ id, seq, uid, mailboxId }));
        expect(answer(await store.appendDelivery(run.id, input))).toEqual(answer(stored));
        const logged = await store.eventsSince(run.id, 0);
        const added = (await sub.until(logged.length)).filter((e) => e.type === "message.added");
        expect(added).toEqual(
          stored.map((m) => ({
            type: "message.added",
            runId: run.id,
            seq: m.seq,
            messageId: m.id,
            mailboxId: m.mailboxId,
            address: m.address,
            uid: m.uid,
            flags: [],
            modSeq: m.modSeq,
          })),
        );
        expect(logged).toEqual(sub.events);
      });

      it("stores a large delivery byte for byte in every copy, its MIME tree left to the store", async () => {
        const run = await newRun({ limits: { maxMessages: 10, maxBytes: 100_000_000 } });
        // Large enough that the RedisStore sends it ahead of its script in slices (upload.ts).
        const big = rawMessage("large", "x".repeat(5 * 1024 * 1024 + 123));
        const tree = indexMimeTree;
        const recipients = ["a@x.test", "b@x.test"];
        const stored = await store.appendDelivery(run.id, {
          deliveryId: uniqueRunId("d"),
          body: big,
          copies: recipients.map((address) => ({
            address,
            head: Buffer.from(`Received: for <${address}> by a host with a long name\r\n`),
            meta: { summary: metaFor(big, "large").summary },
            indexMime: tree,
          })),
        });
        for (const [i, m] of stored.entries()) {
          const raw = (await store.getRaw(run.id, m.id)) as Buffer;
          const head = `Received: for <${recipients[i]}> by a host with a long name\r\n`;
          expect(raw.length).toBe(head.length + big.length);
          expect(raw.subarray(0, head.length).toString()).toBe(head);
          expect(raw.subarray(head.length).equals(big)).toBe(true);
          expect(m.size).toBe(raw.length);
          // The tree the store keeps is the one of the copy's own bytes.
          expect((await store.getMessage(run.id, m.id))?.mime).toEqual(tree(raw));
        }
        expect(await store.runCounts(run.id)).toMatchObject({
          messages: 2,
          bytes: stored.reduce((n, m) => n + m.size, 0),
        });
      });

      it("keeps a delivery's bytes exactly, whether its head and body are ASCII or 8-bit", async () => {
        const run = await newRun({ limits: { maxMessages: 20, maxBytes: 100_000_000 } });
        const ascii = Buffer.from("Subject: plain\r\n\r\nall ASCII \x00\x01\x7f\r\n");
        const eightBit = Buffer.concat([
          Buffer.from("Subject: bytes\r\nContent-Type: text/plain; charset=latin1\r\n\r\n"),
          Buffer.from([0xff, 0xfe, 0x00, 0xe9, 0x80, 0x0d, 0x0a, 0xc3, 0x28, 0x0d, 0x0a]),
        ]);
        const heads = [
          Buffer.from("Received: for <a@x.test>\r\n"),
          Buffer.from("X-Latin: caf\xe9\r\n", "latin1"),
        ];
        // Around 64 KiB, and past the largest command the RedisStore writes into its shared slab
        // (command-bytes.ts): the message bytes go into the command as they are.
        const sized = (n: number, last: number) =>
          Buffer.concat([Buffer.from("Subject: sized\r\n\r\n"), Buffer.alloc(n, "a"), Buffer.from([last])]);
        const bodies = [
          ascii,
          eightBit,
          sized(32 * 1024 - 2000, 0x0a),
          sized(32 * 1024, 0xe9),
          sized(64 * 1024 - 40, 0x0a),
          sized(64 * 1024, 0x0a),
          sized(64 * 1024 - 40, 0xe9),
        ];
        for (const body of bodies) {
          for (const head of heads) {
            const [m] = await store.appendDelivery(run.id, {
              deliveryId: uniqueRunId("d"),
              body,
              copies: [{ address: "a@x.test", head, meta: metaFor(Buffer.concat([head, body]), "bytes") }],
            });
            const raw = await store.getRaw(run.id, m!.id);
            expect(raw?.equals(Buffer.concat([head, body]))).toBe(true);
            expect(m!.size).toBe(head.length + body.length);
          }
        }
      });

      it("keeps every copy's bytes exactly when the body has room in front of it for one head", async () => {
        const limits = { maxMessages: 20, maxBytes: 100_000_000 };
        const [one, other] = [await newRun({ limits }), await newRun({ limits })];
        const KiB = 1024;
        // Past joinBytes's one-step join, past the MemoryStore's assembling aside, past the
        // RedisStore's upload in slices.
        for (const size of [300 * KiB, 1500 * KiB, 3000 * KiB]) {
          const parts = [
            Buffer.from("Subject: room\r\n\r\n"),
            Buffer.alloc(size, "r"),
            Buffer.from("\xe9\r\n"),
          ];
          const expected = Buffer.concat(parts);
          const body = await joinWithHeadRoom(parts);
          const head = (address: string) => Buffer.from(`Received: for <${address}> ${size}\r\n`);
          const copy = (address: string) => ({
            address,
            head: head(address),
            meta: metaFor(expected, "room"),
          });
          // One delivery's runs share the body: only one copy can sit in its room.
          const [many, single] = await Promise.all([
            store.appendDelivery(one.id, {
              deliveryId: uniqueRunId("d"),
              body,
              copies: [copy("a@x.test"), copy("b@x.test")],
            }),
            store.appendDelivery(other.id, {
              deliveryId: uniqueRunId("d"),
              body,
              copies: [copy("c@x.test")],
            }),
          ]);
          const stored = [...many, ...single];
          for (const m of stored) {
            const raw = await store.getRaw(m.runId, m.id);
            expect(raw?.equals(Buffer.concat([head(m.address), expected]))).toBe(true);
            expect(m.size).toBe(raw?.length);
          }
          expect(body.equals(expected)).toBe(true);
        }
      });

      it("builds each copy's MIME tree from its own bytes when the delivery leaves it to the store", async () => {
        const run = await newRun();
        const shared = Buffer.from(
          "From: a@example.com\r\nSubject: lazy\r\nMIME-Version: 1.0\r\n" +
            'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n' +
            "Content-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--b--\r\n",
        );
        const heads = ["a@x.test", "second.longer@x.test"].map((a) =>
          Buffer.from(`Received: for <${a}>\r\n`),
        );
        const { mime: _, ...meta } = metaFor(shared, "lazy");
        const stored = await store.appendDelivery(run.id, {
          deliveryId: uniqueRunId("d"),
          body: shared,
          copies: heads.map((head, i) => ({
            address: i === 0 ? "a@x.test" : "second.longer@x.test",
            head,
            meta,
            indexMime: indexMimeTree,
          })),
        });
        const trees = heads.map((head) => indexMimeTree(Buffer.concat([head, shared])));
        expect(trees[0]?.children).toHaveLength(2);
        expect(trees[1]?.bodyEnd).toBeGreaterThan(trees[0]?.bodyEnd ?? 0);
        const listed = await store.listMessages(run.id, { order: "asc" });
        expect(listed.map((m) => m.mime)).toEqual(trees);
        for (const [i, m] of stored.entries()) {
          expect((await store.getMessage(run.id, m.id))?.mime).toEqual(trees[i]);
          expect((await store.messageParts(run.id, [m.id]))[0]?.mime).toEqual(trees[i]);
          expect(m.mime).toEqual(trees[i]);
        }
        const archive = await store.getMailbox(run.id, "a@x.test", "Archive");
        const copied = await store.copyMessages(run.id, [stored[0]!.id], archive!.id);
        const copy = await store.getMessage(run.id, copied.mapping[0]!.newMessageId);
        expect(copy?.mime).toEqual(trees[0]);
      });

      it("stores nothing of a delivery the quota cannot hold whole", async () => {
        const run = await newRun({ limits: { maxMessages: 5, maxBytes: 1_000_000 } });
        await store.appendMessage(run.id, appendInput("u@x.test", "first"));
        const seq = await store.currentSeq(run.id);
        await expect(
          store.appendDelivery(run.id, delivery(uniqueRunId("d"), addresses(5))),
        ).rejects.toMatchObject({
          code: "quota_exceeded",
        });
        expect(await store.runCounts(run.id)).toMatchObject({ messages: 1, inboxes: 1 });
        expect(await store.currentSeq(run.id)).toBe(seq);
        const small = await newRun({ limits: { maxMessages: 100, maxBytes: body.length * 3 } });
        await expect(
          store.appendDelivery(small.id, delivery(uniqueRunId("d"), addresses(3))),
        ).rejects.toMatchObject({
          code: "quota_exceeded",
        });
        expect(await store.runCounts(small.id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
        expect(await store.appendDelivery(run.id, delivery(uniqueRunId("d"), addresses(4)))).toHaveLength(4);
      });

      it("stores nothing when one copy names a mailbox that does not exist", async () => {
        const run = await newRun();
        const d = delivery(uniqueRunId("d"), ["a@x.test", "b@x.test"]);
        d.copies[1]!.mailbox = "Nope";
        await expect(store.appendDelivery(run.id, d)).rejects.toMatchObject({ code: "mailbox_not_found" });
        expect(await store.runCounts(run.id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
        expect(await store.currentSeq(run.id)).toBe(0);
        const junk = await store.appendDelivery(
          run.id,
          delivery(uniqueRunId("d"), ["c@x.test"], { mailbox: "Junk" }),
        );
        expect(junk[0]).toMatchObject({ mailbox: "Junk", uid: 1 });
      });

      it("stores a delivery repeated with the same id once, and answers the first call's messages", async () => {
        const run = await newRun();
        const id = uniqueRunId("d");
        const first = await store.appendDelivery(run.id, delivery(id, addresses(3)));
        const again = await store.appendDelivery(run.id, delivery(id, addresses(3)));
        expect(again.map((m) => [m.id, m.uid, m.seq])).toEqual(first.map((m) => [m.id, m.uid, m.seq]));
        expect((await store.runCounts(run.id)).messages).toBe(3);
        const other = await store.appendDelivery(run.id, delivery(uniqueRunId("d"), addresses(3)));
        expect(other.map((m) => m.uid)).toEqual([2, 2, 2]);
      });

      it("stores several whole messages with an empty body (MULTIAPPEND), all or none", async () => {
        const run = await newRun({ limits: { maxMessages: 4, maxBytes: 1_000_000 } });
        const raws = [1, 2, 3].map((n) => rawMessage(`multi ${n}`, `message ${n}`));
        const multi = (mailbox: string, messages: Buffer[]) => ({
          deliveryId: uniqueRunId("m"),
          body: Buffer.alloc(0),
          copies: messages.map((head, i) => ({
            address: "a@x.test",
            mailbox,
            head,
            meta: metaFor(head, `multi ${i + 1}`),
            flags: i === 0 ? ["\\Seen"] : [],
          })),
        });
        const stored = await store.appendDelivery(run.id, multi("Drafts", raws));
        expect(stored.map((m) => [m.mailbox, m.uid, m.flags])).toEqual([
          ["Drafts", 1, ["\\Seen"]],
          ["Drafts", 2, []],
          ["Drafts", 3, []],
        ]);
        for (const [i, m] of stored.entries())
          expect((await store.getRaw(run.id, m.id))?.equals(raws[i]!)).toBe(true);
        // A fourth and fifth message exceed the run's 4: neither is stored.
        await expect(store.appendDelivery(run.id, multi("Drafts", raws.slice(0, 2)))).rejects.toMatchObject({
          code: "quota_exceeded",
        });
        const drafts = await store.getMailbox(run.id, "a@x.test", "Drafts");
        expect(drafts).toMatchObject({ messages: 3, uidNext: 4 });
      });

      it("refuses a malformed delivery and an unknown run", async () => {
        const run = await newRun();
        await expect(
          store.appendDelivery(run.id, { ...delivery("x", ["a@x.test"]), copies: [] }),
        ).rejects.toMatchObject({
          code: "invalid_request",
        });
        await expect(
          store.appendDelivery(run.id, delivery("bad id with spaces", ["a@x.test"])),
        ).rejects.toMatchObject({
          code: "invalid_request",
        });
        await expect(store.appendDelivery(uniqueRunId(), delivery("x", ["a@x.test"]))).rejects.toMatchObject({
          code: "run_not_found",
        });
      });
    });

    describe("mailboxes", () => {
      it("gives every inbox address the default folders with special-use, once", async () => {
        const run = await newRun();
        await store.ensureInbox(run.id, "Alice@X.Test");
        const first = await store.listMailboxes(run.id, "alice@x.test");
        expect(first.map((m) => [m.name, m.specialUse])).toEqual([
          ["INBOX", undefined],
          ["Archive", "\\Archive"],
          ["Drafts", "\\Drafts"],
          ["Junk", "\\Junk"],
          ["Sent", "\\Sent"],
          ["Trash", "\\Trash"],
        ]);
        for (const mb of first) {
          expect(mb).toMatchObject({
            address: "alice@x.test",
            uidNext: 1,
            messages: 0,
            unseen: 0,
            subscribed: true,
          });
          expect(mb.uidValidity).toBeGreaterThan(0);
          expect(mb.highestModSeq).toBeGreaterThan(0);
        }
        expect(new Set(first.map((m) => m.id)).size).toBe(first.length);
        expect(new Set(first.map((m) => m.uidValidity)).size).toBe(first.length);
        await store.ensureInbox(run.id, "alice@x.test");
        expect(await store.listMailboxes(run.id, "ALICE@x.test")).toEqual(first);
        expect(await store.listMailboxes(run.id, "nobody@x.test")).toEqual([]);
        expect(await store.listInboxes(run.id)).toEqual([
          { address: "alice@x.test", messages: 0, unseen: 0 },
        ]);
      });

      it("makes a new address's INBOX alone on delivery, the other defaults on the first listing", async () => {
        const run = await newRun();
        const sub = await collectEvents(store, run.id);
        const [m] = await store.appendDelivery(run.id, {
          deliveryId: uniqueRunId("d"),
          body: rawMessage("first"),
          copies: [
            { address: "new@x.test", head: Buffer.alloc(0), meta: metaFor(rawMessage("first"), "first") },
          ],
        });
        expect(m).toMatchObject({ mailbox: "INBOX", uid: 1, seq: 2 });
        const first = await sub.until(2);
        expect(first.map((e) => e.type)).toEqual(["mailbox.created", "message.added"]);
        expect(first[0]).toMatchObject({ name: "INBOX", address: "new@x.test", mailboxId: m!.mailboxId });
        expect(await store.runCounts(run.id)).toMatchObject({ messages: 1, inboxes: 1 });
        expect(await store.currentSeq(run.id)).toBe(2);

        const listed = await store.listMailboxes(run.id, "new@x.test");
        expect(listed.map((mb) => [mb.name, mb.specialUse, mb.subscribed])).toEqual([
          ["INBOX", undefined, true],
          ["Archive", "\\Archive", true],
          ["Drafts", "\\Drafts", true],
          ["Junk", "\\Junk", true],
          ["Sent", "\\Sent", true],
          ["Trash", "\\Trash", true],
        ]);
        expect(listed[0]).toMatchObject({ id: m!.mailboxId, messages: 1, uidNext: 2 });
        const made = (await sub.until(7)).slice(2);
        expect(made.map((e) => [e.type, (e as { name?: string }).name])).toEqual(
          ["Sent", "Drafts", "Trash", "Junk", "Archive"].map((name) => ["mailbox.created", name]),
        );
        // Made once: listing again, looking up, or ensureInbox change nothing.
        const seq = await store.currentSeq(run.id);
        expect(await store.listMailboxes(run.id, "new@x.test")).toEqual(listed);
        await store.ensureInbox(run.id, "new@x.test");
        expect(await store.getMailbox(run.id, "new@x.test", "Junk")).toEqual(listed[3]);
        expect(await store.currentSeq(run.id)).toBe(seq);
      });

      it("makes the default folders when one is looked up by name", async () => {
        const run = await newRun();
        await store.appendMessage(run.id, appendInput("u@x.test", "one"));
        expect(await store.getMailbox(run.id, "u@x.test", "Archive")).toMatchObject({
          name: "Archive",
          specialUse: "\\Archive",
          subscribed: true,
          messages: 0,
        });
        expect((await store.listMailboxes(run.id, "u@x.test")).map((mb) => mb.name)).toHaveLength(6);
      });

      it("never brings back a default folder deleted or renamed", async () => {
        const run = await newRun();
        await store.appendMessage(run.id, appendInput("u@x.test", "one"));
        await store.deleteMailbox(run.id, "u@x.test", "Junk");
        await store.renameMailbox(run.id, "u@x.test", "Sent", "Outbox");
        const names = ["INBOX", "Archive", "Drafts", "Outbox", "Trash"];
        expect((await store.listMailboxes(run.id, "u@x.test")).map((mb) => mb.name)).toEqual(names);
        await store.appendMessage(run.id, appendInput("u@x.test", "two"));
        await store.ensureInbox(run.id, "u@x.test");
        expect(await store.getMailbox(run.id, "u@x.test", "Junk")).toBeUndefined();
        expect(await store.getMailbox(run.id, "u@x.test", "Sent")).toBeUndefined();
        await expect(
          store.appendMessage(run.id, appendInput("u@x.test", "x", { mailbox: "Junk" })),
        ).rejects.toMatchObject({ code: "mailbox_not_found" });
        expect((await store.listMailboxes(run.id, "u@x.test")).map((mb) => mb.name)).toEqual(names);
      });

      it("appends to a default folder of a new address, making it and INBOX only", async () => {
        const run = await newRun();
        const sent = await store.appendMessage(
          run.id,
          appendInput("fresh@x.test", "sent", { mailbox: "Sent", flags: ["\\Seen"] }),
        );
        expect(sent).toMatchObject({ mailbox: "Sent", uid: 1, address: "fresh@x.test" });
        const events = await store.eventsSince(run.id, 0);
        expect(events.map((e) => [e.type, (e as { name?: string }).name])).toEqual([
          ["mailbox.created", "INBOX"],
          ["mailbox.created", "Sent"],
          ["message.added", undefined],
        ]);
        const listed = await store.listMailboxes(run.id, "fresh@x.test");
        expect(listed.map((mb) => mb.name)).toEqual(["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"]);
        expect(listed.find((mb) => mb.name === "Sent")).toMatchObject({
          id: sent.mailboxId,
          specialUse: "\\Sent",
          subscribed: true,
          messages: 1,
        });
      });

      it("makes what a delivery's copies to one new address need, once, in one step", async () => {
        const run = await newRun();
        const copy = (mailbox: string) => ({
          address: "two@x.test",
          mailbox,
          head: Buffer.from(`X-Copy: ${mailbox}\r\n`),
          meta: metaFor(rawMessage("copies"), "copies"),
        });
        const stored = await store.appendDelivery(run.id, {
          deliveryId: uniqueRunId("d"),
          body: rawMessage("copies"),
          copies: [copy("Sent"), copy("INBOX"), copy("Sent")],
        });
        expect(stored.map((m) => [m.mailbox, m.uid])).toEqual([
          ["Sent", 1],
          ["INBOX", 1],
          ["Sent", 2],
        ]);
        const events = await store.eventsSince(run.id, 0);
        expect(events.map((e) => [e.type, (e as { name?: string }).name])).toEqual([
          ["mailbox.created", "INBOX"],
          ["mailbox.created", "Sent"],
          ["message.added", undefined],
          ["message.added", undefined],
          ["message.added", undefined],
        ]);
        expect(new Set(stored.map((m) => m.mailboxId)).size).toBe(2);
        await expect(
          store.appendDelivery(run.id, {
            deliveryId: uniqueRunId("d"),
            body: rawMessage("copies"),
            copies: [copy("Drafts"), copy("Nope")],
          }),
        ).rejects.toMatchObject({ code: "mailbox_not_found" });
        expect(await store.currentSeq(run.id)).toBe(events.at(-1)!.seq);
      });

      it("makes nothing for a folder that does not exist, nor for a listing of an unknown address", async () => {
        const run = await newRun();
        await expect(
          store.appendMessage(run.id, appendInput("nobody@x.test", "x", { mailbox: "Projects" })),
        ).rejects.toMatchObject({ code: "mailbox_not_found" });
        expect(await store.listMailboxes(run.id, "nobody@x.test")).toEqual([]);
        expect(await store.getMailbox(run.id, "nobody@x.test", "INBOX")).toBeUndefined();
        expect(await store.currentSeq(run.id)).toBe(0);
        expect(await store.runCounts(run.id)).toMatchObject({ inboxes: 0 });
      });

      it("finds folders by name (INBOX in any case) and by id", async () => {
        const run = await newRun();
        await store.ensureInbox(run.id, "u@x.test");
        const inbox = await store.getMailbox(run.id, "u@x.test", "inbox");
        expect(inbox?.name).toBe("INBOX");
        expect(await store.getMailboxById(run.id, inbox!.id)).toEqual(inbox);
        expect(await store.getMailbox(run.id, "u@x.test", "sent")).toBeUndefined();
        expect(await store.getMailbox(run.id, "u@x.test", "Sent")).toMatchObject({ specialUse: "\\Sent" });
        expect(await store.getMailboxById(run.id, "nope")).toBeUndefined();
      });

      it("creates folders (and missing parents), refusing duplicates", async () => {
        const run = await newRun();
        const mb = await store.createMailbox(run.id, "u@x.test", "Projects/2025/Q1");
        expect(mb).toMatchObject({ name: "Projects/2025/Q1", uidNext: 1, messages: 0, subscribed: false });
        const names = (await store.listMailboxes(run.id, "u@x.test")).map((m) => m.name);
        expect(names).toEqual(
          expect.arrayContaining(["INBOX", "Projects", "Projects/2025", "Projects/2025/Q1"]),
        );
        await expect(store.createMailbox(run.id, "u@x.test", "Projects/2025/Q1")).rejects.toMatchObject({
          code: "mailbox_exists",
        });
        await expect(store.createMailbox(run.id, "u@x.test", "inbox")).rejects.toMatchObject({
          code: "mailbox_exists",
        });
        await store.createMailbox(run.id, "u@x.test", "Projects/Other");
        await expect(store.createMailbox(run.id, "u@x.test", "")).rejects.toMatchObject({
          code: "invalid_request",
        });
      });

      it("deletes folders with their messages; INBOX is protected", async () => {
        const run = await newRun();
        await store.createMailbox(run.id, "u@x.test", "Old");
        const kept = await store.appendMessage(run.id, appendInput("u@x.test", "keep"));
        const gone = await store.appendMessage(run.id, appendInput("u@x.test", "gone", { mailbox: "Old" }));
        await expect(store.deleteMailbox(run.id, "u@x.test", "INBOX")).rejects.toMatchObject({
          code: "mailbox_protected",
        });
        await expect(store.deleteMailbox(run.id, "u@x.test", "Missing")).rejects.toMatchObject({
          code: "mailbox_not_found",
        });
        await store.deleteMailbox(run.id, "u@x.test", "Old");
        expect(await store.getMailbox(run.id, "u@x.test", "Old")).toBeUndefined();
        expect(await store.getMessage(run.id, gone.id)).toBeUndefined();
        expect(await store.getRaw(run.id, gone.id)).toBeUndefined();
        expect(await store.getMessage(run.id, kept.id)).toBeDefined();
        expect(await store.runCounts(run.id)).toEqual({ messages: 1, bytes: kept.size, inboxes: 1 });
        expect((await store.listMessages(run.id)).map((m) => m.id)).toEqual([kept.id]);
      });

      it("gives a name deleted and created again a new UIDVALIDITY and fresh UIDs", async () => {
        const run = await newRun();
        const first = await store.createMailbox(run.id, "u@x.test", "Work");
        await store.appendMessage(run.id, appendInput("u@x.test", "w", { mailbox: "Work" }));
        await store.deleteMailbox(run.id, "u@x.test", "Work");
        const again = await store.createMailbox(run.id, "u@x.test", "Work");
        expect(again.uidValidity).not.toBe(first.uidValidity);
        expect(again.id).not.toBe(first.id);
        expect(again).toMatchObject({ messages: 0, uidNext: 1 });
      });

      it("renames a folder with its children, messages, UIDs and subscription", async () => {
        const run = await newRun();
        const parent = await store.createMailbox(run.id, "u@x.test", "A");
        const child = await store.createMailbox(run.id, "u@x.test", "A/B");
        await store.createMailbox(run.id, "u@x.test", "AB");
        await store.setSubscribed(run.id, "u@x.test", "A/B", true);
        const msg = await store.appendMessage(
          run.id,
          appendInput("u@x.test", "in child", { mailbox: "A/B" }),
        );
        const renamed = await store.renameMailbox(run.id, "u@x.test", "A", "Z/New");
        expect(renamed).toMatchObject({ id: parent.id, name: "Z/New", uidValidity: parent.uidValidity });
        const names = (await store.listMailboxes(run.id, "u@x.test")).map((m) => m.name);
        expect(names).toEqual(expect.arrayContaining(["Z", "Z/New", "Z/New/B", "AB"]));
        expect(names).not.toContain("A");
        expect(names).not.toContain("A/B");
        const movedChild = await store.getMailbox(run.id, "u@x.test", "Z/New/B");
        expect(movedChild).toMatchObject({ id: child.id, messages: 1, subscribed: true });
        expect(await store.getMessage(run.id, msg.id)).toMatchObject({ mailbox: "Z/New/B", uid: msg.uid });
        await expect(store.renameMailbox(run.id, "u@x.test", "AB", "Z/New")).rejects.toMatchObject({
          code: "mailbox_exists",
        });
        await expect(store.renameMailbox(run.id, "u@x.test", "Nope", "Q")).rejects.toMatchObject({
          code: "mailbox_not_found",
        });
        await expect(store.renameMailbox(run.id, "u@x.test", "AB", "INBOX")).rejects.toMatchObject({
          code: "mailbox_exists",
        });
      });

      it("renames INBOX by moving its messages to a new folder and leaving INBOX empty", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b", { flags: ["\\Seen"] }));
        await store.createMailbox(run.id, "u@x.test", "INBOX/Sub");
        const inboxBefore = await store.getMailbox(run.id, "u@x.test", "INBOX");
        const sub = await collectEvents(store, run.id);
        const old = await store.renameMailbox(run.id, "u@x.test", "inbox", "Old Mail");
        expect(old).toMatchObject({ name: "Old Mail", messages: 2, unseen: 1 });
        expect(old.id).not.toBe(inboxBefore!.id);
        const inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        expect(inbox).toMatchObject({
          id: inboxBefore!.id,
          messages: 0,
          unseen: 0,
          uidValidity: inboxBefore!.uidValidity,
        });
        expect(inbox!.uidNext).toBe(inboxBefore!.uidNext);
        // Children of INBOX are not renamed along with it.
        expect(await store.getMailbox(run.id, "u@x.test", "INBOX/Sub")).toBeDefined();
        expect((await store.getMessage(run.id, a.id))?.mailboxId).toBe(old.id);
        expect((await store.getMessage(run.id, b.id))?.mailbox).toBe("Old Mail");
        expect((await store.mailboxIndex(run.id, inbox!.id)).entries()).toEqual([]);
        expect((await store.mailboxIndex(run.id, old.id)).entries().map((e) => e.messageId)).toEqual([
          a.id,
          b.id,
        ]);
        const events = await sub.until(3);
        expect(events.map((e) => e.type)).toEqual(["mailbox.created", "message.moved", "message.moved"]);
        // New mail still goes to INBOX, with UIDs above the old ones.
        const c = await store.appendMessage(run.id, appendInput("u@x.test", "c"));
        expect(c.uid).toBe(inboxBefore!.uidNext);
      });

      it("records subscriptions", async () => {
        const run = await newRun();
        await store.createMailbox(run.id, "u@x.test", "Lists");
        await store.setSubscribed(run.id, "u@x.test", "Lists", true);
        expect((await store.getMailbox(run.id, "u@x.test", "Lists"))?.subscribed).toBe(true);
        await store.setSubscribed(run.id, "u@x.test", "Lists", false);
        expect((await store.getMailbox(run.id, "u@x.test", "Lists"))?.subscribed).toBe(false);
        await store.setSubscribed(run.id, "u@x.test", "Trash", false);
        expect((await store.getMailbox(run.id, "u@x.test", "Trash"))?.subscribed).toBe(false);
      });
    });

    describe("messages", () => {
      it("builds the MIME tree from the stored bytes when the append leaves it to the store", async () => {
        const run = await newRun();
        const raw = rawMessage("lazy");
        const { mime, ...rest } = metaFor(raw, "lazy");
        const seen: Buffer[] = [];
        const m = await store.appendMessage(run.id, {
          address: "u@x.test",
          raw,
          meta: rest,
          indexMime: (bytes) => {
            seen.push(Buffer.from(bytes));
            return mime;
          },
        });
        expect(m.summary).toEqual(rest.summary);
        expect((await store.getMessage(run.id, m.id))?.mime).toEqual(mime);
        expect(m.mime).toEqual(mime);
        expect(seen.map((b) => b.equals(raw))).toEqual([true]);
        await expect(
          store.appendMessage(run.id, { address: "u@x.test", raw, meta: rest }),
        ).rejects.toMatchObject({
          code: "invalid_request",
        });
      });

      it("keeps the authentication results given at ingest, also on a copy", async () => {
        const run = await newRun();
        const raw = rawMessage("signed");
        const auth = {
          spf: { result: "pass" as const, domain: "example.com" },
          dkim: [
            {
              result: "fail" as const,
              domain: "example.com",
              selector: "s1",
              reason: "body hash did not verify",
            },
          ],
          dmarc: { result: "pass" as const, domain: "example.com", policy: "reject" },
          arc: null,
          received: [],
        };
        const m = await store.appendMessage(run.id, {
          address: "u@x.test",
          raw,
          meta: { ...metaFor(raw, "signed"), auth },
        });
        expect(m.auth).toEqual(auth);
        expect((await store.getMessage(run.id, m.id))?.auth).toEqual(auth);
        const archive = await store.getMailbox(run.id, "u@x.test", "Archive");
        const copy = await store.copyMessages(run.id, [m.id], archive!.id);
        const copied = await store.getMessage(run.id, copy.mapping[0]!.newMessageId);
        expect(copied?.auth).toEqual(auth);
        const plain = await store.appendMessage(run.id, {
          address: "u@x.test",
          raw,
          meta: metaFor(raw, "plain"),
        });
        expect(plain.auth).toBeUndefined();
      });

      it("appends with increasing seq, per-mailbox UIDs from 1, flags and counts", async () => {
        const run = await newRun();
        const envelope = {
          mailFrom: "a@example.com",
          rcptTo: ["U@x.test"],
          clientAddress: "127.0.0.1",
          helo: "client.test",
          tls: true,
          authUser: run.id,
        };
        const internalDate = new Date("2025-01-02T03:04:05.000Z");
        const m1 = await store.appendMessage(
          run.id,
          appendInput("U@X.test", "one", { envelope, internalDate }),
        );
        const m2 = await store.appendMessage(
          run.id,
          appendInput("u@x.test", "two", { flags: ["\\seen", "$Label1"] }),
        );
        const s1 = await store.appendMessage(run.id, appendInput("u@x.test", "sent", { mailbox: "Sent" }));
        const o1 = await store.appendMessage(run.id, appendInput("other@x.test", "other"));
        expect(m1.seq).toBeGreaterThan(0);
        expect(m2.seq).toBeGreaterThan(m1.seq);
        expect(s1.seq).toBeGreaterThan(m2.seq);
        expect(o1.seq).toBeGreaterThan(s1.seq);
        expect([m1.uid, m2.uid, s1.uid, o1.uid]).toEqual([1, 2, 1, 1]);
        expect(new Set([m1.id, m2.id, s1.id, o1.id]).size).toBe(4);
        expect(m1).toMatchObject({
          runId: run.id,
          address: "u@x.test",
          mailbox: "INBOX",
          flags: [],
          modSeq: m1.seq,
          envelope,
          internalDate,
          size: rawMessage("one").length,
        });
        expect(m2.flags).toEqual(["\\Seen", "$Label1"]);
        expect(s1.mailbox).toBe("Sent");
        expect(await store.getMessage(run.id, m1.id)).toEqual(m1);
        // Before anything lists u@x.test's folders (which makes the rest of its defaults).
        expect(await store.currentSeq(run.id)).toBe(o1.seq);
        const read = await store.getMessage(run.id, m2.id);
        expect(read?.summary).toEqual(metaFor(rawMessage("two"), "two").summary);
        expect(read?.summary.date).toBeInstanceOf(Date);
        expect(read?.mime).toEqual(metaFor(rawMessage("two"), "two").mime);
        expect(read?.envelope).toBeUndefined();
        const inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        expect(inbox).toMatchObject({ uidNext: 3, messages: 2, unseen: 1, highestModSeq: m2.seq });
        expect(await store.runCounts(run.id)).toEqual({
          messages: 4,
          bytes: m1.size + m2.size + s1.size + o1.size,
          inboxes: 2,
        });
        expect(await store.listInboxes(run.id)).toEqual([
          { address: "other@x.test", messages: 1, unseen: 1 },
          { address: "u@x.test", messages: 3, unseen: 2 },
        ]);
        await expect(
          store.appendMessage(run.id, appendInput("u@x.test", "x", { mailbox: "Nope" })),
        ).rejects.toMatchObject({
          code: "mailbox_not_found",
        });
        await expect(
          store.appendMessage(run.id, appendInput("u@x.test", "x", { flags: ["bad flag"] })),
        ).rejects.toMatchObject({ code: "invalid_request" });
      });

      it("keeps raw bytes exactly, non-UTF-8 bytes included", async () => {
        const run = await newRun();
        const raw = Buffer.concat([
          Buffer.from("Subject: bytes\r\nContent-Type: text/plain; charset=latin1\r\n\r\n"),
          Buffer.from([0xff, 0xfe, 0x00, 0xe9, 0x80, 0x0d, 0x0a, 0xc3, 0x28, 0x0d, 0x0a]),
        ]);
        const msg = await store.appendMessage(run.id, {
          address: "u@x.test",
          raw,
          meta: metaFor(raw, "bytes"),
        });
        expect(msg.size).toBe(raw.length);
        const back = await store.getRaw(run.id, msg.id);
        expect(Buffer.isBuffer(back)).toBe(true);
        expect(back?.equals(raw)).toBe(true);
        expect(await store.getRaw(run.id, "nope")).toBeUndefined();
      });

      it("looks messages up in batches, in the order given", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        const got = await store.getMessages(run.id, [b.id, "missing", a.id]);
        expect(got.map((m) => m?.id)).toEqual([b.id, undefined, a.id]);
        expect(got[0]).toEqual(b);
        expect(await store.getMessage(run.id, "missing")).toBeUndefined();
        expect(await store.getMessages(run.id, [])).toEqual([]);
      });

      it("gives the parts of messages that never change, read or not, moved or flagged since", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "parts a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "parts b"));
        const fixed = (m: StoredMessage | MessageParts | undefined) =>
          m && {
            id: m.id,
            seq: m.seq,
            size: m.size,
            internalDate: m.internalDate,
            summary: m.summary,
            mime: m.mime,
            envelope: m.envelope,
            auth: m.auth,
          };
        // Cold (nothing read yet), then after a read, a flag change and a move.
        expect((await store.messageParts(run.id, [b.id, "missing", a.id])).map(fixed)).toEqual([
          fixed(b),
          undefined,
          fixed(a),
        ]);
        await store.getMessages(run.id, [a.id, b.id]);
        await store.updateFlags(run.id, [a.id], { op: "add", flags: ["\\Seen"] });
        const archive = (await store.getMailbox(run.id, "u@x.test", "Archive"))!;
        await store.moveMessages(run.id, [b.id], archive.id);
        expect((await store.messageParts(run.id, [a.id, b.id])).map(fixed)).toEqual([fixed(a), fixed(b)]);
        expect(await store.messageParts(run.id, [])).toEqual([]);
        await expect(store.messageParts(uniqueRunId(), [a.id])).rejects.toMatchObject({
          code: "run_not_found",
        });
      });

      it("lists messages filtered, ordered and paged by seq", async () => {
        const run = await newRun();
        const msgs = [];
        for (let i = 0; i < 6; i++) {
          const address = i % 2 === 0 ? "even@x.test" : "odd@x.test";
          msgs.push(await store.appendMessage(run.id, appendInput(address, `m${i}`)));
        }
        const ids = (list: { id: string }[]) => list.map((m) => m.id);
        const all = msgs.map((m) => m.id);
        expect(ids(await store.listMessages(run.id))).toEqual([...all].reverse());
        expect(ids(await store.listMessages(run.id, { order: "asc" }))).toEqual(all);
        expect(ids(await store.listMessages(run.id, { limit: 2 }))).toEqual([all[5], all[4]]);
        expect(ids(await store.listMessages(run.id, { beforeSeq: msgs[4]!.seq, limit: 2 }))).toEqual([
          all[3],
          all[2],
        ]);
        expect(ids(await store.listMessages(run.id, { afterSeq: msgs[3]!.seq, order: "asc" }))).toEqual([
          all[4],
          all[5],
        ]);
        expect(ids(await store.listMessages(run.id, { address: "ODD@x.test", order: "asc" }))).toEqual([
          all[1],
          all[3],
          all[5],
        ]);
        expect(
          ids(await store.listMessages(run.id, { address: "even@x.test", afterSeq: msgs[0]!.seq, limit: 1 })),
        ).toEqual([all[4]]);
        const oddInbox = await store.getMailbox(run.id, "odd@x.test", "INBOX");
        expect(ids(await store.listMessages(run.id, { mailboxId: oddInbox!.id, order: "desc" }))).toEqual([
          all[5],
          all[3],
          all[1],
        ]);
        expect(await store.listMessages(run.id, { address: "none@x.test" })).toEqual([]);
        expect((await store.listMessages(run.id, { limit: 1 }))[0]).toEqual(msgs[5]);

        // An inbox's list follows moves (also to another inbox), folder deletes and expunges.
        const evenArchive = await store.getMailbox(run.id, "even@x.test", "Archive");
        await store.moveMessages(run.id, [all[1]!], evenArchive!.id);
        expect(ids(await store.listMessages(run.id, { address: "odd@x.test", order: "asc" }))).toEqual([
          all[3],
          all[5],
        ]);
        expect(ids(await store.listMessages(run.id, { address: "even@x.test", order: "asc" }))).toEqual([
          all[0],
          all[1],
          all[2],
          all[4],
        ]);
        expect(ids(await store.listMessages(run.id, { mailboxId: evenArchive!.id }))).toEqual([all[1]]);
        // A mailbox's messages in seq order even where a move made UID order differ.
        const oddArchive = await store.getMailbox(run.id, "odd@x.test", "Archive");
        await store.moveMessages(run.id, [all[5]!, all[3]!], oddArchive!.id);
        expect(ids(await store.listMessages(run.id, { mailboxId: oddArchive!.id, order: "asc" }))).toEqual([
          all[3],
          all[5],
        ]);
        await store.deleteMessages(run.id, [all[0]!]);
        await store.deleteMailbox(run.id, "even@x.test", "Archive");
        expect(ids(await store.listMessages(run.id, { address: "even@x.test", order: "asc" }))).toEqual([
          all[2],
          all[4],
        ]);
        expect(ids(await store.listMessages(run.id, { order: "asc" }))).toEqual([
          all[2],
          all[3],
          all[4],
          all[5],
        ]);
      });

      it("lists a recipient's messages: inbox, To and Cc addresses and names, envelope, any case", async () => {
        const run = await newRun();
        const withRecipients = (address: string, subject: string, to: string, envelope?: string[]) => {
          const input = appendInput(address, subject);
          input.meta.summary.to = [{ name: "Team Lead", address: to }];
          input.meta.summary.cc = [{ name: "", address: "cc@corp.example" }];
          if (envelope)
            input.envelope = {
              mailFrom: "app@corp.example",
              rcptTo: envelope,
              clientAddress: "127.0.0.1",
              helo: "corp.example",
              tls: false,
            };
          return store.appendMessage(run.id, input);
        };
        const m0 = await withRecipients("a@x.test", "m0", "Lead@Corp.example", [
          "a@x.test",
          "Hidden@BCC.example",
        ]);
        const m1 = await store.appendMessage(run.id, appendInput("b@x.test", "m1"));
        const m2 = await withRecipients("a@x.test", "m2", "lead@corp.example");
        const m3 = await store.appendMessage(run.id, appendInput("a@x.test", "m3"));
        const ids = (list: { id: string }[]) => list.map((m) => m.id);
        const of = async (recipient: string, query: Omit<MessageQuery, "recipient"> = {}) =>
          ids(await store.listMessages(run.id, { recipient, order: "asc", ...query }));

        expect(await of("LEAD@corp.example")).toEqual([m0.id, m2.id]);
        expect(await of("lead@corp.example", { order: "desc" })).toEqual([m2.id, m0.id]);
        expect(await of("lead@corp.example", { afterSeq: m0.seq })).toEqual([m2.id]);
        expect(await of("lead@corp.example", { beforeSeq: m2.seq })).toEqual([m0.id]);
        expect(await of("lead@corp.example", { order: "desc", limit: 1 })).toEqual([m2.id]);
        expect(await of("team lead")).toEqual([m0.id, m2.id]);
        expect(await of("cc@corp.example")).toEqual([m0.id, m2.id]);
        expect(await of("hidden@bcc.example")).toEqual([m0.id]);
        // The inbox address (a's inbox, and m0's envelope too: listed once) and the To address.
        expect(await of("a@x.test")).toEqual([m0.id, m2.id, m3.id]);
        expect(await of("a@x.test", { order: "desc", limit: 2 })).toEqual([m3.id, m2.id]);
        expect(await of("b@x.test")).toEqual([m1.id]);
        expect(await of("b@example.com")).toEqual([m1.id, m3.id]);
        expect(await of("b@example.com", { address: "a@x.test" })).toEqual([m3.id]);
        expect(await of("nobody@x.test")).toEqual([]);
        expect(await of("lead@corp.example", { limit: 0 })).toEqual([]);
        const aInbox = (await store.getMailbox(run.id, "a@x.test", "INBOX"))!;
        expect(await of("lead@corp.example", { mailboxId: aInbox.id })).toEqual([m0.id, m2.id]);

        // A move to another inbox changes the inbox address, not the header or envelope recipients.
        const bArchive = (await store.getMailbox(run.id, "b@x.test", "Archive"))!;
        await store.moveMessages(run.id, [m2.id], bArchive.id);
        expect(await of("a@x.test")).toEqual([m0.id, m3.id]);
        expect(await of("b@x.test")).toEqual([m1.id, m2.id]);
        expect(await of("lead@corp.example")).toEqual([m0.id, m2.id]);
        expect(await of("lead@corp.example", { mailboxId: aInbox.id })).toEqual([m0.id]);
        expect(await of("lead@corp.example", { address: "b@x.test" })).toEqual([m2.id]);
        // A copy is found under the same recipients; expunges and folder deletes leave the index.
        const bInbox = (await store.getMailbox(run.id, "b@x.test", "INBOX"))!;
        const copy = (await store.copyMessages(run.id, [m0.id], bInbox.id)).mapping[0]!.newMessageId;
        expect(await of("hidden@bcc.example")).toEqual([m0.id, copy]);
        await store.deleteMessages(run.id, [m0.id]);
        expect(await of("hidden@bcc.example")).toEqual([copy]);
        await store.deleteMailbox(run.id, "b@x.test", "Archive");
        expect(await of("lead@corp.example")).toEqual([copy]);
        expect(await of("team lead", { order: "desc" })).toEqual([copy]);
      });

      it("merges a recipient's inbox and index in seq order past a page of either", async () => {
        const run = await newRun();
        const all: string[] = [];
        for (let i = 0; i < 450; i++) {
          // Runs of each kind longer than a page, then alternating, so page edges fall everywhere.
          const inInbox = i < 210 ? true : i < 420 ? false : i % 2 === 0;
          const input = appendInput(inInbox ? "p@x.test" : `other${i % 3}@x.test`, `m${i}`);
          input.envelope = {
            mailFrom: "app@corp.example",
            rcptTo: [inInbox ? "p@x.test" : "P@X.test"],
            clientAddress: "127.0.0.1",
            helo: "corp.example",
            tls: false,
          };
          all.push((await store.appendMessage(run.id, input)).id);
        }
        const ids = (list: { id: string }[]) => list.map((m) => m.id);
        expect(ids(await store.listMessages(run.id, { recipient: "p@x.test", order: "asc" }))).toEqual(all);
        expect(ids(await store.listMessages(run.id, { recipient: "p@x.test" }))).toEqual([...all].reverse());
        expect(
          ids(await store.listMessages(run.id, { recipient: "p@x.test", order: "asc", limit: 300 })),
        ).toEqual(all.slice(0, 300));
        const others = await store.listMessages(run.id, { recipient: "p@x.test", address: "other1@x.test" });
        expect(others.length).toBeGreaterThan(60);
        expect(others.every((m) => m.address === "other1@x.test")).toBe(true);
      });

      /** Every call of a scan from afterSeq to done, with what the test saw. */
      const scanAll = async (runId: string, query: ScanQuery, test: (m: ScannedMessage) => boolean) => {
        const seen: Array<Pick<ScannedMessage, "id" | "seq" | "address" | "mailbox" | "flags">> = [];
        const matched: StoredMessage[] = [];
        let after = query.afterSeq ?? 0;
        for (let calls = 1; ; calls++) {
          const res = await store.scanMessages(runId, { ...query, afterSeq: after }, (m) => {
            const { id, seq, address, mailbox, flags } = m;
            seen.push({ id, seq, address, mailbox, flags: [...flags] });
            return test(m);
          });
          matched.push(...res.matched);
          expect(res.scannedTo).toBeGreaterThanOrEqual(after);
          after = res.scannedTo;
          if (res.done) return { seen, matched, scannedTo: after, calls };
          if (calls > 1000) throw new Error("the scan does not end");
        }
      };

      it("scans messages in seq order in place, answering those the test passes as listed", async () => {
        const run = await newRun();
        const msgs: StoredMessage[] = [];
        for (let i = 0; i < 6; i++)
          msgs.push(
            await store.appendMessage(run.id, appendInput(i % 2 ? "odd@x.test" : "even@x.test", `m${i}`)),
          );
        const archive = (await store.getMailbox(run.id, "odd@x.test", "Archive"))!;
        await store.moveMessages(run.id, [msgs[3]!.id], archive.id);
        await store.updateFlags(run.id, [msgs[1]!.id], { op: "add", flags: ["\\Seen"] });
        const listed = await store.listMessages(run.id, { order: "asc" });
        const odd = (m: ScannedMessage) => Number(m.summary.subject.slice(1)) % 2 === 1;

        const all = await scanAll(run.id, {}, odd);
        expect(all.seen).toEqual(
          listed.map(({ id, seq, address, mailbox, flags }) => ({ id, seq, address, mailbox, flags })),
        );
        expect(all.matched).toEqual(listed.filter((m) => m.address === "odd@x.test"));
        expect(all.scannedTo).toBe(msgs[5]!.seq);
        expect((await scanAll(run.id, { afterSeq: msgs[3]!.seq }, () => true)).matched).toEqual([
          listed[4],
          listed[5],
        ]);
        // An inbox (any case) or a recipient's messages: only those are looked at.
        const inbox = await scanAll(run.id, { address: "ODD@x.test" }, () => true);
        expect(inbox.seen.map((m) => m.id)).toEqual([msgs[1]!.id, msgs[3]!.id, msgs[5]!.id]);
        expect(inbox.matched.map((m) => m.id)).toEqual([msgs[1]!.id, msgs[3]!.id, msgs[5]!.id]);
        const recipient = await scanAll(
          run.id,
          { recipient: "EVEN@x.test", afterSeq: msgs[0]!.seq },
          () => true,
        );
        expect(recipient.matched.map((m) => m.id)).toEqual([msgs[2]!.id, msgs[4]!.id]);
        // Nothing to look at: done at once, where it started.
        expect(await store.scanMessages(run.id, { address: "none@x.test", afterSeq: 2 }, () => true)).toEqual(
          {
            matched: [],
            scannedTo: 2,
            done: true,
          },
        );
        expect(await store.scanMessages(run.id, { afterSeq: msgs[5]!.seq }, () => true)).toEqual({
          matched: [],
          scannedTo: msgs[5]!.seq,
          done: true,
        });
        await expect(store.scanMessages(uniqueRunId(), {}, () => true)).rejects.toMatchObject({
          code: "run_not_found",
        });
      });

      it("stops a scan at its limit of matches, to go on from there", async () => {
        const run = await newRun();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++)
          ids.push((await store.appendMessage(run.id, appendInput("u@x.test", `m${i}`))).id);
        const first = await store.scanMessages(run.id, {}, () => true, { limit: 2 });
        expect(first.matched.map((m) => m.id)).toEqual(ids.slice(0, 2));
        expect(first.scannedTo).toBe(first.matched[1]!.seq);
        expect(first.done).toBe(false);
        const rest = await store.scanMessages(run.id, { afterSeq: first.scannedTo }, () => true, {
          limit: 3,
        });
        expect(rest.matched.map((m) => m.id)).toEqual(ids.slice(2));
        const none = await store.scanMessages(run.id, {}, () => false, { limit: 1 });
        expect(none).toMatchObject({ matched: [], done: true });
      });

      it("scans a long history to the end across calls, each message once", async () => {
        const run = await newRun();
        const all: string[] = [];
        for (let i = 0; i < 450; i++) {
          const input = appendInput(i < 210 || i % 2 ? "p@x.test" : `other${i % 3}@x.test`, `m${i}`);
          input.envelope = {
            mailFrom: "app@corp.example",
            rcptTo: ["P@x.test"],
            clientAddress: "127.0.0.1",
            helo: "corp.example",
            tls: false,
          };
          all.push((await store.appendMessage(run.id, input)).id);
        }
        const everything = await scanAll(run.id, {}, (m) => m.summary.subject.endsWith("7"));
        expect(everything.seen.map((m) => m.id)).toEqual(all);
        expect(everything.matched.map((m) => m.id)).toEqual(all.filter((_, i) => i % 10 === 7));
        // The recipient index and the inbox merged, each message once.
        expect(
          (await scanAll(run.id, { recipient: "p@x.test" }, () => true)).matched.map((m) => m.id),
        ).toEqual(all);
      });

      it("serves a mailbox index ordered by UID", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a", { flags: ["\\Flagged"] }));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        const inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        expect((await store.mailboxIndex(run.id, inbox!.id)).entries()).toEqual([
          { uid: 1, messageId: a.id, flags: ["\\Flagged"], modSeq: a.modSeq },
          { uid: 2, messageId: b.id, flags: [], modSeq: b.modSeq },
        ]);
        await expect(store.mailboxIndex(run.id, "nope")).rejects.toMatchObject({ code: "mailbox_not_found" });
      });
    });

    describe("flags", () => {
      it("adds, removes and sets flags with a new modSeq per change", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b", { flags: ["\\Seen"] }));
        const add = await store.updateFlags(run.id, [a.id, b.id, "missing"], {
          op: "add",
          flags: ["\\Seen"],
        });
        expect(add.conflicts).toEqual([]);
        expect(add.updated).toHaveLength(1);
        expect(add.updated[0]).toMatchObject({ messageId: a.id, uid: a.uid, flags: ["\\Seen"] });
        expect(add.updated[0]!.modSeq).toBeGreaterThan(b.seq);
        let inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        expect(inbox).toMatchObject({ unseen: 0, highestModSeq: add.updated[0]!.modSeq });

        const set = await store.updateFlags(run.id, [a.id, b.id], {
          op: "set",
          flags: ["\\Flagged", "$Work"],
        });
        expect(set.updated.map((u) => u.flags)).toEqual([
          ["\\Flagged", "$Work"],
          ["\\Flagged", "$Work"],
        ]);
        expect(set.updated[1]!.modSeq).toBeGreaterThan(set.updated[0]!.modSeq);
        inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        expect(inbox).toMatchObject({ unseen: 2, highestModSeq: set.updated[1]!.modSeq });

        const remove = await store.updateFlags(run.id, [a.id], { op: "remove", flags: ["$work", "\\Draft"] });
        expect(remove.updated[0]?.flags).toEqual(["\\Flagged"]);
        const read = await store.getMessage(run.id, a.id);
        expect(read).toMatchObject({ flags: ["\\Flagged"], modSeq: remove.updated[0]!.modSeq });
        expect(await store.currentSeq(run.id)).toBe(remove.updated[0]!.modSeq);
        const index = (await store.mailboxIndex(run.id, inbox!.id)).entries();
        expect(index[0]).toMatchObject({ flags: ["\\Flagged"], modSeq: remove.updated[0]!.modSeq });
        // No change, no new modSeq.
        const none = await store.updateFlags(run.id, [a.id], { op: "add", flags: ["\\flagged"] });
        expect(none).toEqual({ updated: [], conflicts: [] });
        await expect(
          store.updateFlags(run.id, [a.id], { op: "add", flags: ["\\Bogus"] }),
        ).rejects.toMatchObject({
          code: "invalid_request",
        });
      });

      it("leaves messages changed since unchangedSince and reports them as conflicts", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        const mark = b.modSeq;
        const touched = await store.updateFlags(run.id, [a.id], { op: "add", flags: ["\\Answered"] });
        const result = await store.updateFlags(run.id, [a.id, b.id], {
          op: "add",
          flags: ["\\Seen"],
          unchangedSince: mark,
        });
        expect(result.conflicts).toEqual([a.id]);
        expect(result.updated.map((u) => u.messageId)).toEqual([b.id]);
        expect(await store.getMessage(run.id, a.id)).toMatchObject({
          flags: ["\\Answered"],
          modSeq: touched.updated[0]!.modSeq,
        });
      });
    });

    describe("copy, move, delete", () => {
      it("copies into new messages with new ids, seqs and UIDs (COPYUID mapping)", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a", { flags: ["\\Seen"] }));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        const archive = await store.getMailbox(run.id, "u@x.test", "Archive");
        await store.appendMessage(run.id, appendInput("u@x.test", "already", { mailbox: "Archive" }));
        const result = await store.copyMessages(run.id, [b.id, "missing", a.id], archive!.id);
        expect(result.uidValidity).toBe(archive!.uidValidity);
        expect(result.mapping.map((m) => [m.messageId, m.uid, m.newUid])).toEqual([
          [b.id, b.uid, 2],
          [a.id, a.uid, 3],
        ]);
        const copyOfA = await store.getMessage(run.id, result.mapping[1]!.newMessageId);
        expect(copyOfA).toMatchObject({ mailbox: "Archive", uid: 3, flags: ["\\Seen"], size: a.size });
        expect(copyOfA!.id).not.toBe(a.id);
        expect(copyOfA!.seq).toBeGreaterThan(b.seq);
        expect((await store.getRaw(run.id, copyOfA!.id))?.equals(rawMessage("a"))).toBe(true);
        expect(await store.getMessage(run.id, a.id)).toMatchObject({ mailbox: "INBOX", uid: a.uid });
        expect(await store.getMailbox(run.id, "u@x.test", "Archive")).toMatchObject({
          messages: 3,
          uidNext: 4,
          unseen: 2,
        });
        expect((await store.runCounts(run.id)).messages).toBe(5);
        await expect(store.copyMessages(run.id, [a.id], "nope")).rejects.toMatchObject({
          code: "mailbox_not_found",
        });
      });

      it("moves keeping id and seq, with a new UID; the old mailbox loses it", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        const trash = await store.getMailbox(run.id, "u@x.test", "Trash");
        const inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        const sub = await collectEvents(store, run.id);
        const result = await store.moveMessages(run.id, [a.id], trash!.id);
        expect(result).toEqual({
          uidValidity: trash!.uidValidity,
          mapping: [{ messageId: a.id, uid: a.uid, newMessageId: a.id, newUid: 1 }],
        });
        const moved = await store.getMessage(run.id, a.id);
        expect(moved).toMatchObject({ id: a.id, seq: a.seq, mailboxId: trash!.id, mailbox: "Trash", uid: 1 });
        expect(moved!.modSeq).toBeGreaterThan(b.seq);
        expect((await store.mailboxIndex(run.id, inbox!.id)).entries().map((e) => e.messageId)).toEqual([
          b.id,
        ]);
        expect((await store.mailboxIndex(run.id, trash!.id)).entries().map((e) => e.messageId)).toEqual([
          a.id,
        ]);
        expect(await store.getMailbox(run.id, "u@x.test", "INBOX")).toMatchObject({ messages: 1, unseen: 1 });
        expect(await store.getMailbox(run.id, "u@x.test", "Trash")).toMatchObject({
          messages: 1,
          unseen: 1,
          uidNext: 2,
        });
        const [event] = await sub.until(1);
        expect(event).toEqual({
          type: "message.moved",
          runId: run.id,
          seq: moved!.modSeq,
          messageId: a.id,
          address: "u@x.test",
          fromMailboxId: inbox!.id,
          fromUid: a.uid,
          mailboxId: trash!.id,
          uid: 1,
          flags: [],
          modSeq: moved!.modSeq,
        });
        expect((await store.listMessages(run.id, { order: "asc" })).map((m) => m.id)).toEqual([a.id, b.id]);
        expect((await store.runCounts(run.id)).messages).toBe(2);
      });

      it("deletes messages for good", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        expect(await store.deleteMessages(run.id, [a.id, "missing", a.id])).toBe(1);
        expect(await store.getMessage(run.id, a.id)).toBeUndefined();
        expect(await store.getRaw(run.id, a.id)).toBeUndefined();
        expect((await store.listMessages(run.id)).map((m) => m.id)).toEqual([b.id]);
        expect(await store.getMailbox(run.id, "u@x.test", "INBOX")).toMatchObject({
          messages: 1,
          unseen: 1,
          uidNext: 3,
        });
        expect(await store.runCounts(run.id)).toEqual({ messages: 1, bytes: b.size, inboxes: 1 });
        expect(await store.deleteMessages(run.id, [a.id])).toBe(0);
        // UIDs are never reused.
        const c = await store.appendMessage(run.id, appendInput("u@x.test", "c"));
        expect(c.uid).toBe(3);
      });

      it("claims \\Recent UIDs for exactly one caller", async () => {
        const run = await newRun();
        await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        const inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        const claims = await Promise.all([
          store.claimRecent(run.id, inbox!.id),
          store.claimRecent(run.id, inbox!.id),
        ]);
        expect(claims.sort()).toEqual([0, 2]);
        expect(await store.claimRecent(run.id, inbox!.id)).toBe(2);
        await store.appendMessage(run.id, appendInput("u@x.test", "c"));
        expect(await store.claimRecent(run.id, inbox!.id)).toBe(2);
        expect(await store.claimRecent(run.id, inbox!.id)).toBe(3);
        await expect(store.claimRecent(run.id, "nope")).rejects.toMatchObject({ code: "mailbox_not_found" });
      });

      it("claims \\Recent no further than the UID the caller knows of", async () => {
        const run = await newRun();
        await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        await store.appendMessage(run.id, appendInput("u@x.test", "c"));
        const inbox = await store.getMailbox(run.id, "u@x.test", "INBOX");
        expect(await store.claimRecent(run.id, inbox!.id, 1)).toBe(0);
        expect(await store.claimRecent(run.id, inbox!.id, 0)).toBe(1);
        expect(await store.claimRecent(run.id, inbox!.id, 9)).toBe(1);
        expect(await store.claimRecent(run.id, inbox!.id, 2)).toBe(3);
      });
    });

    describe("expunged UIDs (QRESYNC)", () => {
      const fill = async (runId: string, n: number) => {
        const out = [];
        for (let i = 0; i < n; i++)
          out.push(await store.appendMessage(runId, appendInput("u@x.test", `m${i}`)));
        return out;
      };

      it("remembers each UID deleted or moved out with the modSeq of its removal", async () => {
        const run = await newRun();
        const m = await fill(run.id, 6);
        const inbox = (await store.getMailbox(run.id, "u@x.test", "INBOX"))!;
        const trash = (await store.getMailbox(run.id, "u@x.test", "Trash"))!;
        const before = inbox.highestModSeq;
        expect(await store.expungedSince(run.id, inbox.id, 0)).toEqual({ uids: [], floor: 0 });

        await store.deleteMessages(run.id, [m[4]!.id, m[1]!.id]);
        const afterDelete = (await store.getMailbox(run.id, "u@x.test", "INBOX"))!.highestModSeq;
        await store.moveMessages(run.id, [m[2]!.id], trash.id);
        const afterMove = (await store.getMailbox(run.id, "u@x.test", "INBOX"))!.highestModSeq;
        // A flag change is no expunge.
        await store.updateFlags(run.id, [m[0]!.id], { op: "add", flags: ["\\Seen"] });

        expect(await store.expungedSince(run.id, inbox.id, before)).toEqual({ uids: [2, 3, 5], floor: 0 });
        expect(await store.expungedSince(run.id, inbox.id, afterDelete)).toEqual({ uids: [3], floor: 0 });
        expect(await store.expungedSince(run.id, inbox.id, afterMove)).toEqual({ uids: [], floor: 0 });
        // Each removal has its own modSeq: between the two deletes, only the later one.
        const events = await store.eventsSince(run.id, before);
        const first = events.find((e) => e.type === "message.expunged")!;
        const later = (await store.expungedSince(run.id, inbox.id, first.seq)).uids;
        expect(later).toHaveLength(2);
        expect(later).toContain(3);
        // The destination lost nothing; a copy removes nothing from the source.
        expect((await store.expungedSince(run.id, trash.id, 0)).uids).toEqual([]);
        await store.copyMessages(run.id, [m[0]!.id], trash.id);
        expect((await store.expungedSince(run.id, inbox.id, afterMove)).uids).toEqual([]);
      });

      it("counts renaming INBOX as its messages leaving it", async () => {
        const run = await newRun();
        await fill(run.id, 3);
        const inbox = (await store.getMailbox(run.id, "u@x.test", "INBOX"))!;
        await store.renameMailbox(run.id, "u@x.test", "INBOX", "Old");
        expect(await store.expungedSince(run.id, inbox.id, inbox.highestModSeq)).toEqual({
          uids: [1, 2, 3],
          floor: 0,
        });
      });

      it("forgets a deleted mailbox's record; a name created again starts empty", async () => {
        const run = await newRun();
        const box = await store.createMailbox(run.id, "u@x.test", "Box");
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a", { mailbox: "Box" }));
        await store.deleteMessages(run.id, [a.id]);
        expect((await store.expungedSince(run.id, box.id, 0)).uids).toEqual([1]);
        await store.deleteMailbox(run.id, "u@x.test", "Box");
        await expect(store.expungedSince(run.id, box.id, 0)).rejects.toMatchObject({
          code: "mailbox_not_found",
        });
        const again = await store.createMailbox(run.id, "u@x.test", "Box");
        expect(await store.expungedSince(run.id, again.id, 0)).toEqual({ uids: [], floor: 0 });
      });

      it("refuses unknown runs and mailboxes and malformed mod-sequences", async () => {
        const run = await newRun();
        await store.ensureInbox(run.id, "u@x.test");
        const inbox = (await store.getMailbox(run.id, "u@x.test", "INBOX"))!;
        await expect(store.expungedSince(uniqueRunId(), inbox.id, 0)).rejects.toMatchObject({
          code: "run_not_found",
        });
        await expect(store.expungedSince(run.id, "mbzz", 0)).rejects.toMatchObject({
          code: "mailbox_not_found",
        });
        for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) {
          await expect(store.expungedSince(run.id, inbox.id, bad)).rejects.toMatchObject({
            code: "invalid_request",
          });
        }
      });

      it("keeps the newest expungedKept per mailbox and reports the highest modSeq it forgot", async () => {
        const small = await factory({ expungedKept: 3 });
        try {
          const run = await small.createRun({ id: uniqueRunId(), ttlSeconds: 600, limits });
          const m = [];
          for (let i = 0; i < 6; i++)
            m.push(await small.appendMessage(run.id, appendInput("u@x.test", `m${i}`)));
          const inbox = (await small.getMailbox(run.id, "u@x.test", "INBOX"))!;
          const start = inbox.highestModSeq;
          // One call removing two, then three calls of one: the bound holds either way.
          await small.deleteMessages(run.id, [m[0]!.id, m[1]!.id]);
          for (const i of [2, 3, 4]) await small.deleteMessages(run.id, [m[i]!.id]);
          const events = (await small.eventsSince(run.id, start)).filter(
            (e) => e.type === "message.expunged",
          );
          const modSeqOf = (uid: number) => events.find((e) => "uid" in e && e.uid === uid)!.seq;
          const all = await small.expungedSince(run.id, inbox.id, 0);
          expect(all).toEqual({ uids: [3, 4, 5], floor: modSeqOf(2) });
          // From the floor on the answer is whole again.
          expect(await small.expungedSince(run.id, inbox.id, modSeqOf(2))).toEqual({
            uids: [3, 4, 5],
            floor: modSeqOf(2),
          });
          expect((await small.expungedSince(run.id, inbox.id, modSeqOf(4))).uids).toEqual([5]);
          // Another mailbox has its own bound.
          const trash = (await small.getMailbox(run.id, "u@x.test", "Trash"))!;
          expect(await small.expungedSince(run.id, trash.id, 0)).toEqual({ uids: [], floor: 0 });
        } finally {
          await small.close();
        }
      });
    });

    describe("events", () => {
      it("logs every change in seq order and resumes from any seq", async () => {
        const run = await newRun();
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        const b = await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        const c = await store.appendMessage(run.id, appendInput("u@x.test", "c"));
        const all = await store.eventsSince(run.id, 0);
        expect(all.map((e) => e.type)).toEqual([
          "mailbox.created",
          "message.added",
          "message.added",
          "message.added",
        ]);
        const added = all[1]!;
        expect(added).toEqual({
          type: "message.added",
          runId: run.id,
          seq: a.seq,
          messageId: a.id,
          mailboxId: a.mailboxId,
          address: "u@x.test",
          uid: 1,
          flags: [],
          modSeq: a.seq,
        });
        expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
        expect([b.seq, c.seq]).toEqual([a.seq + 1, a.seq + 2]);
        expect(await store.currentSeq(run.id)).toBe(c.seq);
        expect(await store.eventsSince(run.id, 2)).toEqual(all.slice(2));
        expect(await store.eventsSince(run.id, 1, 2)).toEqual(all.slice(1, 3));
        expect(await store.eventsSince(run.id, c.seq)).toEqual([]);
      });

      it("delivers live events of every type, in order, to subscribers", async () => {
        const run = await newRun();
        await store.ensureInbox(run.id, "u@x.test");
        const sub = await collectEvents(store, run.id);
        const a = await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        await store.updateFlags(run.id, [a.id], { op: "add", flags: ["\\Seen"] });
        const folder = await store.createMailbox(run.id, "u@x.test", "F");
        await store.moveMessages(run.id, [a.id], folder.id);
        await store.renameMailbox(run.id, "u@x.test", "F", "G");
        await store.deleteMessages(run.id, [a.id]);
        await store.deleteMailbox(run.id, "u@x.test", "G");
        await store.deleteRun(run.id);
        const events = await sub.until(8);
        expect(events.map((e) => e.type)).toEqual([
          "message.added",
          "message.flags",
          "mailbox.created",
          "message.moved",
          "mailbox.renamed",
          "message.expunged",
          "mailbox.deleted",
          "run.deleted",
        ]);
        const seqs = events.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(events[0]).toMatchObject({ seq: a.seq, messageId: a.id });
        expect(events[1]).toMatchObject({ messageId: a.id, flags: ["\\Seen"], uid: a.uid });
        expect(events[2]).toMatchObject({ mailboxId: folder.id, name: "F", address: "u@x.test" });
        expect(events[4]).toMatchObject({ mailboxId: folder.id, name: "G", oldName: "F" });
        expect(events[5]).toMatchObject({ messageId: a.id, mailboxId: folder.id, uid: 1 });
        expect(events[6]).toMatchObject({ mailboxId: folder.id, name: "G" });
        for (const e of events) expect(e.runId).toBe(run.id);
      });

      it("stops delivering after unsubscribe", async () => {
        const run = await newRun();
        const first = await collectEvents(store, run.id);
        const second = await collectEvents(store, run.id);
        await store.appendMessage(run.id, appendInput("u@x.test", "a"));
        await first.until(2);
        first.unsubscribe();
        await store.appendMessage(run.id, appendInput("u@x.test", "b"));
        await second.until(3);
        expect(first.events).toHaveLength(2);
        expect(second.events[2]).toMatchObject({ type: "message.added" });
      });
    });

    describeWebhookContract(
      () => store,
      () => newRun(),
    );

    describe("DNS records", () => {
      it("replaces and returns a run's records", async () => {
        const run = await newRun();
        expect(await store.getDnsRecords(run.id)).toEqual([]);
        await store.setDnsRecords(run.id, [
          { name: "Example.COM.", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] },
          { name: "sel._domainkey.example.com", type: "TXT", values: ["v=DKIM1; p=abc"] },
        ]);
        expect(await store.getDnsRecords(run.id)).toEqual([
          { name: "example.com", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] },
          { name: "sel._domainkey.example.com", type: "TXT", values: ["v=DKIM1; p=abc"] },
        ]);
        await store.setDnsRecords(run.id, [
          { name: "_dmarc.example.com", type: "TXT", values: ["v=DMARC1; p=none"] },
        ]);
        expect(await store.getDnsRecords(run.id)).toHaveLength(1);
        await expect(
          store.setDnsRecords(run.id, [{ name: "x", type: "BOGUS" as "TXT", values: [] }]),
        ).rejects.toMatchObject({ code: "invalid_request" });
      });
    });

    describe("fault rules", () => {
      it("keeps, shows and clears a run's rules, each change a new generation", async () => {
        const run = await newRun();
        expect(await store.activeFaults(run.id)).toBeUndefined();
        expect(await store.getFaults(run.id)).toEqual([]);
        const kept = await store.setFaults(run.id, [
          { stage: "rcpt", action: "reply", code: 451, count: 2 },
          { stage: "data", action: "delay", delayMs: 10, probability: 0.5 },
        ]);
        expect(kept[0]).toEqual({
          stage: "rcpt",
          action: "reply",
          code: 451,
          count: 2,
          remaining: 2,
          fired: 0,
        });
        // A probability rule without a seed gets one, shown so a run can be replayed.
        expect(kept[1]?.seed).toEqual(expect.any(Number));
        expect(await store.getFaults(run.id)).toEqual(kept);
        const first = await store.activeFaults(run.id);
        expect(first?.rules).toHaveLength(2);
        await store.setFaults(run.id, [{ stage: "mail", action: "require-tls" }]);
        const second = await store.activeFaults(run.id);
        expect(second?.rules).toEqual([{ stage: "mail", action: "require-tls" }]);
        expect(second?.generation).not.toBe(first?.generation);
        await store.setFaults(run.id, []);
        expect(await store.activeFaults(run.id)).toBeUndefined();
        expect(await store.getFaults(run.id)).toEqual([]);
        await expect(
          store.setFaults(run.id, [{ stage: "connect", action: "greylist" }]),
        ).rejects.toMatchObject({ code: "invalid_request" });
        await expect(store.setFaults(run.id, [{ stage: "rcpt", action: "reply" }])).rejects.toMatchObject({
          code: "invalid_request",
        });
        await expect(store.setFaults("no-such-run", [])).rejects.toMatchObject({ code: "run_not_found" });
      });

      it("fires a counted rule exactly count times, also when asked at once", async () => {
        const run = await newRun();
        await store.setFaults(run.id, [{ stage: "rcpt", action: "reply", code: 451, count: 5 }]);
        const { generation } = (await store.activeFaults(run.id))!;
        const fired = await Promise.all(
          Array.from({ length: 20 }, () => store.fireFault(run.id, generation, 0)),
        );
        expect(fired.filter(Boolean)).toHaveLength(5);
        expect(await store.getFaults(run.id)).toMatchObject([{ remaining: 0, fired: 5 }]);
        // A decision under rules that have since been replaced never fires.
        await store.setFaults(run.id, [{ stage: "rcpt", action: "reply", code: 451 }]);
        expect(await store.fireFault(run.id, generation, 0)).toBe(false);
        const now = (await store.activeFaults(run.id))!.generation;
        expect(await store.fireFault(run.id, now, 0)).toBe(true);
        expect(await store.getFaults(run.id)).toMatchObject([{ remaining: null, fired: 1 }]);
      });

      it("draws a probability rule's sequence from its seed, the same in every store", async () => {
        const run = await newRun();
        const draws = async () => {
          await store.setFaults(run.id, [
            { stage: "rcpt", action: "reply", code: 451, probability: 0.3, seed: 42 },
          ]);
          const { generation } = (await store.activeFaults(run.id))!;
          const out: boolean[] = [];
          for (let i = 0; i < 40; i++) out.push(await store.fireFault(run.id, generation, 0));
          return out;
        };
        const first = await draws();
        expect(await draws()).toEqual(first);
        // The reference: the generator of @sandmail/core, stepped here by hand.
        let state = faultRngStart(42);
        const expected = first.map(() => {
          state = nextFaultRngState(state);
          return state / FAULT_RNG_MODULUS < 0.3;
        });
        expect(first).toEqual(expected);
        expect(first.filter(Boolean).length).toBeGreaterThan(3);
        expect(first.filter(Boolean).length).toBeLessThan(25);
        expect(await store.getFaults(run.id)).toMatchObject([{ fired: first.filter(Boolean).length }]);
      });

      it("remembers greylisted attempts per key until the rules change", async () => {
        const run = await newRun();
        await store.setFaults(run.id, [{ stage: "rcpt", action: "greylist", retryAfterSeconds: 0 }]);
        let { generation } = (await store.activeFaults(run.id))!;
        expect(await store.greylistAttempt(run.id, generation, 0, "a@x.test|b@y.test")).toBe(-1);
        expect(
          await store.greylistAttempt(run.id, generation, 0, "a@x.test|b@y.test"),
        ).toBeGreaterThanOrEqual(0);
        expect(await store.greylistAttempt(run.id, generation, 0, "a@x.test|c@y.test")).toBe(-1);
        await store.setFaults(run.id, [{ stage: "rcpt", action: "greylist", retryAfterSeconds: 0 }]);
        ({ generation } = (await store.activeFaults(run.id))!);
        expect(await store.greylistAttempt(run.id, generation, 0, "a@x.test|b@y.test")).toBe(-1);
      });

      it("keeps one run's rules and counters from every other run", async () => {
        const a = await newRun();
        const b = await newRun();
        await store.setFaults(a.id, [{ stage: "rcpt", action: "reply", code: 550, count: 3 }]);
        const { generation } = (await store.activeFaults(a.id))!;
        expect(await store.activeFaults(b.id)).toBeUndefined();
        expect(await store.getFaults(b.id)).toEqual([]);
        expect(await store.fireFault(b.id, generation, 0)).toBe(false);
        expect(await store.greylistAttempt(b.id, generation, 0, "k")).toBe(-1);
        expect(await store.getFaults(a.id)).toMatchObject([{ remaining: 3, fired: 0 }]);
        await store.deleteRun(a.id);
        expect(await store.activeFaults(a.id)).toBeUndefined();
      });
    });

    describe("session transcripts", () => {
      const ring = { maxSessions: 3, maxBytes: 10_000 };

      it("keeps finished sessions newest first and returns each with its lines", async () => {
        const run = await newRun();
        expect(await store.listSessions(run.id)).toEqual([]);
        const first = sessionFixture("s1", 100);
        await store.addSession(run.id, first, ring);
        await store.addSession(run.id, sessionFixture("s2", 100), ring);
        const list = await store.listSessions(run.id);
        expect(list.map((s) => s.id)).toEqual(["s2", "s1"]);
        expect(list[1]).toEqual({
          id: "s1",
          protocol: "smtp",
          client: "127.0.0.1",
          tls: false,
          user: null,
          startedAt: 1000,
          endedAt: 2000,
          commands: 1,
          bytes: 100,
        });
        expect(list[1]).not.toHaveProperty("lines");
        expect(await store.getSession(run.id, "s1")).toEqual(first);
        expect(await store.getSession(run.id, "nope")).toBeUndefined();
      });

      it("drops the oldest sessions past the count and past the byte budget", async () => {
        const run = await newRun();
        for (let i = 1; i <= 5; i++) await store.addSession(run.id, sessionFixture(`c${i}`, 10), ring);
        expect((await store.listSessions(run.id)).map((s) => s.id)).toEqual(["c5", "c4", "c3"]);
        expect(await store.getSession(run.id, "c1")).toBeUndefined();
        // 6,000 + 6,000 bytes is past 10,000: only the newer stays; a session alone past the
        // budget is still kept.
        await store.addSession(run.id, sessionFixture("big1", 6000), ring);
        await store.addSession(run.id, sessionFixture("big2", 6000), ring);
        expect((await store.listSessions(run.id)).map((s) => s.id)).toEqual(["big2"]);
        await store.addSession(run.id, sessionFixture("huge", 50_000), ring);
        expect((await store.listSessions(run.id)).map((s) => s.id)).toEqual(["huge"]);
        // The budget is freed as sessions go: small ones fit again next to each other.
        for (const id of ["d1", "d2", "d3"]) await store.addSession(run.id, sessionFixture(id, 10), ring);
        expect((await store.listSessions(run.id)).map((s) => s.id)).toEqual(["d3", "d2", "d1"]);
        expect(await store.getSession(run.id, "huge")).toBeUndefined();
      });

      it("keeps each run's sessions apart and forgets them with the run", async () => {
        const a = await newRun();
        const b = await newRun();
        await store.addSession(a.id, sessionFixture("only-a", 10), ring);
        expect(await store.listSessions(b.id)).toEqual([]);
        expect(await store.getSession(b.id, "only-a")).toBeUndefined();
        await store.deleteRun(a.id);
        await expect(store.listSessions(a.id)).rejects.toMatchObject({ code: "run_not_found" });
        await expect(store.addSession(a.id, sessionFixture("late", 10), ring)).rejects.toMatchObject({
          code: "run_not_found",
        });
        await expect(
          store.addSession(b.id, sessionFixture("x", 10), { maxSessions: 0, maxBytes: 1 }),
        ).rejects.toMatchObject({
          code: "invalid_request",
        });
      });
    });

    describe("isolation", () => {
      it("shows nothing of one run through another run's id", async () => {
        const a = await newRun();
        const b = await newRun();
        const mine: string[] = [];
        for (let i = 0; i < 3; i++) {
          mine.push((await store.appendMessage(a.id, appendInput("shared@x.test", `a${i}`))).id);
        }
        const bEvents = await collectEvents(store, b.id);
        const aMailbox = await store.getMailbox(a.id, "shared@x.test", "INBOX");
        expect(await store.listMessages(b.id)).toEqual([]);
        expect(await store.listInboxes(b.id)).toEqual([]);
        expect(await store.listMailboxes(b.id, "shared@x.test")).toEqual([]);
        expect(await store.getMailboxById(b.id, aMailbox!.id)).toBeUndefined();
        await expect(store.mailboxIndex(b.id, aMailbox!.id)).rejects.toMatchObject({
          code: "mailbox_not_found",
        });
        for (const id of mine) {
          expect(await store.getMessage(b.id, id)).toBeUndefined();
          expect(await store.getRaw(b.id, id)).toBeUndefined();
        }
        expect(await store.updateFlags(b.id, mine, { op: "add", flags: ["\\Deleted"] })).toEqual({
          updated: [],
          conflicts: [],
        });
        expect(await store.deleteMessages(b.id, mine)).toBe(0);
        expect(await store.eventsSince(b.id, 0)).toEqual([]);
        expect(await store.runCounts(b.id)).toEqual({ messages: 0, bytes: 0, inboxes: 0 });
        // b's own mail goes to b alone, and a's is untouched by all of the above.
        await store.appendMessage(b.id, appendInput("shared@x.test", "b0"));
        const got = await bEvents.until(2);
        for (const e of got) expect(e.runId).toBe(b.id);
        expect((await store.listMessages(a.id)).map((m) => m.flags)).toEqual([[], [], []]);
        expect((await store.runCounts(a.id)).messages).toBe(3);
        const bMsgs = await store.listMessages(b.id);
        expect(bMsgs.map((m) => m.summary.subject)).toEqual(["b0"]);
      });
    });
  });
}

function sessionFixture(id: string, bytes: number): SessionTranscript {
  return {
    id,
    protocol: "smtp",
    client: "127.0.0.1",
    tls: false,
    user: null,
    startedAt: 1000,
    endedAt: 2000,
    commands: 1,
    bytes,
    omitted: 0,
    lines: [
      { at: 1000, from: "server", text: "220 sandmail ESMTP" },
      { at: 1500, from: "client", text: "QUIT" },
    ],
  };
}

export type { StoreEvent };
