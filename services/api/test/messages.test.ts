import type { StoreEvent } from "@sandmail/core";
import { MemoryStore } from "@sandmail/store";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, buildRaw, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setup() {
  t = await makeApp();
  const run = await createRun(t.app);
  return { t, run, headers: bearer(run.token), base: `/v1/runs/${run.id}` };
}

describe("GET /v1/runs/{run}/messages", () => {
  it("lists summaries newest first", async () => {
    const { t, run, headers, base } = await setup();
    const older = await seed(t.store, run, {
      to: `alice@${run.domain}`,
      subject: "First",
      from: '"Anna Ä" <anna@shop.example>',
      extraHeaders: [`Cc: Carl <carl@${run.domain}>`],
    });
    const newer = await seed(t.store, run, { to: `bob@${run.domain}`, subject: "=?UTF-8?B?WmfDtnRl?=" });
    const res = await t.app.inject({ url: `${base}/messages`, headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nextCursor).toBeUndefined();
    expect(body.messages.map((m: { id: string }) => m.id)).toEqual([newer.id, older.id]);
    expect(body.messages[0].subject).toBe("Zgöte");
    expect(body.messages[1]).toEqual({
      id: older.id,
      seq: older.seq,
      inbox: `alice@${run.domain}`,
      mailbox: "INBOX",
      subject: "First",
      from: { name: "Anna Ä", address: "anna@shop.example" },
      to: [{ name: "", address: `alice@${run.domain}` }],
      cc: [{ name: "Carl", address: `carl@${run.domain}` }],
      date: "2026-03-01T12:00:00.000Z",
      receivedAt: older.internalDate.toISOString(),
      size: older.size,
      seen: false,
      flagged: false,
      flags: [],
    });
  });

  it("from is null when the message has no From", async () => {
    const { t, run, headers, base } = await setup();
    const raw = Buffer.from(`To: x@${run.domain}\r\nSubject: anonymous\r\n\r\nbody\r\n`);
    await seed(t.store, run, { to: `x@${run.domain}` }, raw);
    const [msg] = (await t.app.inject({ url: `${base}/messages`, headers })).json().messages;
    expect(msg.from).toBeNull();
    expect(msg.subject).toBe("anonymous");
  });

  it("pages by cursor without gaps or repeats", async () => {
    const { t, run, headers, base } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await seed(t.store, run, { subject: `m${i}` })).id);
    const seen: string[] = [];
    let cursor: number | undefined;
    let pages = 0;
    do {
      const url = `${base}/messages?limit=3${cursor !== undefined ? `&cursor=${cursor}` : ""}`;
      const body = (await t.app.inject({ url, headers })).json();
      seen.push(...body.messages.map((m: { id: string }) => m.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it("an exactly full last page has no nextCursor", async () => {
    const { t, run, headers, base } = await setup();
    for (let i = 0; i < 4; i++) await seed(t.store, run);
    const first = (await t.app.inject({ url: `${base}/messages?limit=2`, headers })).json();
    expect(first.nextCursor).toBeTypeOf("number");
    const second = (
      await t.app.inject({ url: `${base}/messages?limit=2&cursor=${first.nextCursor}`, headers })
    ).json();
    expect(second.messages).toHaveLength(2);
    expect(second.nextCursor).toBeUndefined();
  });

  it("filters by inbox (any case) and by mailbox", async () => {
    const { t, run, headers, base } = await setup();
    const a1 = await seed(t.store, run, { to: `a@${run.domain}` });
    const b1 = await seed(t.store, run, { to: `b@${run.domain}` });
    const a2 = await seed(t.store, run, { to: `a@${run.domain}` });
    const trashA = await t.store.getMailbox(run.id, `a@${run.domain}`, "Trash");
    const trashB = await t.store.getMailbox(run.id, `b@${run.domain}`, "Trash");
    await t.store.moveMessages(run.id, [a1.id], trashA!.id);
    await t.store.moveMessages(run.id, [b1.id], trashB!.id);
    const list = async (query: string) =>
      (await t.app.inject({ url: `${base}/messages?${query}`, headers }))
        .json()
        .messages.map((m: { id: string }) => m.id);

    expect(await list(`inbox=${encodeURIComponent(`A@${run.domain.toUpperCase()}`)}`)).toEqual([
      a2.id,
      a1.id,
    ]);
    expect(await list(`inbox=a@${run.domain}&mailbox=Trash`)).toEqual([a1.id]);
    expect(await list(`inbox=a@${run.domain}&mailbox=inbox`)).toEqual([a2.id]);
    expect(await list("mailbox=Trash")).toEqual([b1.id, a1.id]);
    expect(await list("mailbox=INBOX")).toEqual([a2.id]);
    expect(await list(`inbox=a@${run.domain}&mailbox=Nope`)).toEqual([]);
    expect(await list(`inbox=nobody@${run.domain}`)).toEqual([]);
    const moved = (await t.app.inject({ url: `${base}/messages?mailbox=Trash&limit=1`, headers })).json();
    expect(moved.messages[0].mailbox).toBe("Trash");
    expect(moved.nextCursor).toBe(b1.seq);
  });

  it.each(["limit=0", "limit=501", "limit=x", "cursor=-1", "cursor=abc", "colour=blue", "inbox="])(
    "refuses ?%s with 400 invalid_request",
    async (query) => {
      const { t, headers, base } = await setup();
      const res = await t.app.inject({ url: `${base}/messages?${query}`, headers });
      expect(res.statusCode).toBe(400);
      const problem = problemOf(res);
      expect(problem.code).toBe("invalid_request");
      expect(problem.errors?.[0]?.in).toBe("querystring");
    },
  );
});

describe("GET /v1/runs/{run}/messages/{id}", () => {
  it("shows the full message: envelope, folder, uid, headers, text, html and attachment metadata", async () => {
    const { t, run, headers, base } = await setup();
    const pdf = Buffer.from("%PDF-1.4 fake pdf bytes");
    const msg = await seed(t.store, run, {
      to: `alice@${run.domain}`,
      subject: "Your invoice",
      text: "See attached.\n",
      html: "<p>See <b>attached</b>.</p>\n",
      attachments: [{ filename: "invoice.pdf", contentType: "application/pdf", content: pdf }],
      extraHeaders: ["Reply-To: support@shop.example", "X-Campaign: march"],
    });
    const res = await t.app.inject({ url: `${base}/messages/${msg.id}`, headers });
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view).toMatchObject({
      id: msg.id,
      seq: msg.seq,
      inbox: `alice@${run.domain}`,
      mailbox: "INBOX",
      uid: 1,
      subject: "Your invoice",
      from: { name: "Shop", address: "no-reply@shop.example" },
      replyTo: [{ name: "", address: "support@shop.example" }],
      envelope: {
        mailFrom: "bounce@shop.example",
        rcptTo: [`alice@${run.domain}`],
        clientAddress: "127.0.0.1",
        helo: "mail.shop.example",
        tls: false,
      },
      text: "See attached.\n",
      html: "<p>See <b>attached</b>.</p>\n",
      attachments: [
        {
          index: 0,
          filename: "invoice.pdf",
          contentType: "application/pdf",
          size: pdf.length,
          disposition: "attachment",
        },
      ],
      seen: false,
      flags: [],
    });
    expect(view.messageId).toMatch(/^<.+@shop\.example>$/);
    expect(view.headers).toContainEqual({ name: "X-Campaign", value: "march" });
    expect(view.headers[0]).toEqual({ name: "From", value: '"Shop" <no-reply@shop.example>' });
    // Metadata only: the bytes are at .../attachments/0.
    expect(res.body).not.toContain(pdf.toString("base64"));
    expect(JSON.stringify(view.attachments)).not.toContain('content"');
  });

  it("reads the same view twice (served from the parse cache) and reflects flag changes", async () => {
    const { t, run, headers, base } = await setup();
    const msg = await seed(t.store, run, { subject: "twice" });
    const first = (await t.app.inject({ url: `${base}/messages/${msg.id}`, headers })).json();
    await t.store.updateFlags(run.id, [msg.id], { op: "add", flags: ["\\Seen"] });
    const second = (await t.app.inject({ url: `${base}/messages/${msg.id}`, headers })).json();
    expect(second.text).toBe(first.text);
    expect(first.seen).toBe(false);
    expect(second.seen).toBe(true);
  });

  it("never serves a cached view of a deleted run to a new run with the same id", async () => {
    // A stopped clock: both runs are created in the same millisecond.
    const store = new MemoryStore({ now: () => Date.UTC(2026, 11, 3, 12) });
    t = await makeApp({}, { store });
    const limits = { maxMessages: 100, maxBytes: 1_000_000 };
    const first = await store.createRun({ id: "samerun", ttlSeconds: 60, limits });
    const one = await seed(store, first, { subject: "old run", text: "old body" });
    const old = (
      await t.app.inject({ url: `/v1/runs/samerun/messages/${one.id}`, headers: bearer(first.token) })
    ).json();
    expect(old.text).toBe("old body\n");
    await store.deleteRun("samerun");
    // Same id again, same message id again (ids count per run), same creation time.
    const second = await store.createRun({ id: "samerun", ttlSeconds: 60, limits });
    const two = await seed(store, second, { subject: "new run", text: "new body" });
    expect(two.id).toBe(one.id);
    expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
    const res = await t.app.inject({
      url: `/v1/runs/samerun/messages/${two.id}`,
      headers: bearer(second.token),
    });
    expect(res.json().text).toBe("new body\n");
    expect(res.json().subject).toBe("new run");
    const oldToken = await t.app.inject({
      url: `/v1/runs/samerun/messages/${two.id}`,
      headers: bearer(first.token),
    });
    expect(oldToken.statusCode).toBe(401);
    await store.close();
  });

  it("shows a malformed message instead of failing", async () => {
    const { t, run, headers, base } = await setup();
    const raw = Buffer.concat([
      Buffer.from('Subject: broken\r\nContent-Type: multipart/mixed; boundary="nope"\r\n\r\n--other\r\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x80]),
      Buffer.from("\r\nno end"),
    ]);
    const msg = await seed(t.store, run, {}, raw);
    const res = await t.app.inject({ url: `${base}/messages/${msg.id}`, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().subject).toBe("broken");
  });

  it("404 message_not_found for an unknown id, 400 for an id that cannot be one", async () => {
    const { t, headers, base } = await setup();
    const res = await t.app.inject({ url: `${base}/messages/zzzz`, headers });
    expect(res.statusCode).toBe(404);
    expect(problemOf(res).code).toBe("message_not_found");
    const bad = await t.app.inject({ url: `${base}/messages/${encodeURIComponent("a b")}`, headers });
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).errors?.[0]).toMatchObject({ in: "params", path: "id" });
  });
});

describe("GET .../messages/{id}/raw", () => {
  it("answers the exact stored bytes as message/rfc822", async () => {
    const { t, run, headers, base } = await setup();
    const raw = Buffer.concat([
      buildRaw({ subject: "bytes" }),
      Buffer.from("8bit: \xe4\xf6\xfc and bare LF\n and NUL \0 end\r\n", "latin1"),
    ]);
    const msg = await seed(t.store, run, {}, raw);
    const res = await t.app.inject({ url: `${base}/messages/${msg.id}/raw`, headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("message/rfc822");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.rawPayload.equals(raw)).toBe(true);
    expect(Number(res.headers["content-length"])).toBe(raw.length);
  });

  it("404 for an unknown message", async () => {
    const { t, headers, base } = await setup();
    const res = await t.app.inject({ url: `${base}/messages/zz/raw`, headers });
    expect(res.statusCode).toBe(404);
    expect(problemOf(res).code).toBe("message_not_found");
  });
});

describe("GET .../messages/{id}/attachments/{n}", () => {
  it("answers the decoded bytes with the content type and a filename", async () => {
    const { t, run, headers, base } = await setup();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    const msg = await seed(t.store, run, {
      attachments: [
        { filename: "a.txt", contentType: "text/plain", content: Buffer.from("first") },
        { filename: "=?UTF-8?B?w7xiZXIgcGxhbi5wbmc=?=", contentType: "image/png", content: png },
      ],
    });
    const first = await t.app.inject({ url: `${base}/messages/${msg.id}/attachments/0`, headers });
    expect(first.statusCode).toBe(200);
    expect(first.body).toBe("first");
    expect(first.headers["content-disposition"]).toBe(`attachment; filename="a.txt"; filename*=UTF-8''a.txt`);

    const second = await t.app.inject({ url: `${base}/messages/${msg.id}/attachments/1`, headers });
    expect(second.statusCode).toBe(200);
    expect(second.headers["content-type"]).toBe("image/png");
    expect(second.rawPayload.equals(png)).toBe(true);
    expect(second.headers["content-disposition"]).toBe(
      `attachment; filename="_ber plan.png"; filename*=UTF-8''%C3%BCber%20plan.png`,
    );
    expect(second.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("404 for an attachment index past the end, 400 for a non-number", async () => {
    const { t, run, headers, base } = await setup();
    const msg = await seed(t.store, run, {
      attachments: [{ filename: "a.txt", contentType: "text/plain", content: Buffer.from("x") }],
    });
    const past = await t.app.inject({ url: `${base}/messages/${msg.id}/attachments/1`, headers });
    expect(past.statusCode).toBe(404);
    expect(problemOf(past).code).toBe("not_found");
    const nan = await t.app.inject({ url: `${base}/messages/${msg.id}/attachments/first`, headers });
    expect(nan.statusCode).toBe(400);
    expect(problemOf(nan).errors?.[0]).toMatchObject({ in: "params", path: "n" });
  });
});

describe("PATCH .../messages/{id}", () => {
  it("sets seen and flagged through the store, so subscribers (IMAP) see the change", async () => {
    const { t, run, headers, base } = await setup();
    const msg = await seed(t.store, run);
    const events: StoreEvent[] = [];
    const stop = await t.store.subscribe(run.id, (e) => events.push(e));

    const res = await t.app.inject({
      method: "PATCH",
      url: `${base}/messages/${msg.id}`,
      headers,
      payload: { seen: true, flagged: true },
    });
    stop();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: msg.id, seen: true, flagged: true });
    expect(res.json().flags.sort()).toEqual(["\\Flagged", "\\Seen"]);
    expect((await t.store.getMessage(run.id, msg.id))?.flags.sort()).toEqual(["\\Flagged", "\\Seen"]);
    expect(events).toEqual([expect.objectContaining({ type: "message.flags", messageId: msg.id })]);
    const inbox = (await t.app.inject({ url: `${base}/inboxes`, headers })).json().inboxes[0];
    expect(inbox.unseen).toBe(0);
  });

  it("replaces flags, then adds, then removes", async () => {
    const { t, run, headers, base } = await setup();
    const msg = await seed(t.store, run);
    await t.store.updateFlags(run.id, [msg.id], { op: "set", flags: ["\\Seen", "$Old"] });
    const patch = (payload: object) =>
      t.app.inject({ method: "PATCH", url: `${base}/messages/${msg.id}`, headers, payload });

    const replaced = await patch({ flags: ["$Label1", "\\Answered"], addFlags: ["$Label2"], seen: false });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().flags.sort()).toEqual(["$Label1", "$Label2", "\\Answered"]);
    expect(replaced.json().seen).toBe(false);

    const removed = await patch({ removeFlags: ["$label1"], flagged: true });
    expect(removed.json().flags.sort()).toEqual(["$Label2", "\\Answered", "\\Flagged"]);

    const unchanged = await patch({});
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json().flags.sort()).toEqual(["$Label2", "\\Answered", "\\Flagged"]);
  });

  it.each([
    [{ seen: "yes" }, "seen"],
    [{ flags: "\\Seen" }, "flags"],
    [{ addFlags: [""] }, "addFlags.0"],
    [{ colour: "red" }, ""],
  ])("refuses %j with 400 naming the field", async (payload, path) => {
    const { t, run, headers, base } = await setup();
    const msg = await seed(t.store, run);
    const res = await t.app.inject({ method: "PATCH", url: `${base}/messages/${msg.id}`, headers, payload });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe("invalid_request");
    expect(problem.errors?.[0]).toMatchObject({ in: "body", path });
  });

  it.each([
    [{ addFlags: ["\\Bogus"] }, /unknown system flag/],
    [{ addFlags: ["two words"] }, /invalid flag/],
    [{ addFlags: ["$A"], removeFlags: ["$a"] }, /both added and removed/],
    [{ seen: true, removeFlags: ["\\Seen"] }, /both added and removed/],
  ])("refuses %j with 400 and changes nothing", async (payload, detail) => {
    const { t, run, headers, base } = await setup();
    const msg = await seed(t.store, run);
    const res = await t.app.inject({ method: "PATCH", url: `${base}/messages/${msg.id}`, headers, payload });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe("invalid_request");
    expect(problem.detail).toMatch(detail);
    expect((await t.store.getMessage(run.id, msg.id))?.flags).toEqual([]);
  });

  it("404 for an unknown message", async () => {
    const { t, headers, base } = await setup();
    const res = await t.app.inject({
      method: "PATCH",
      url: `${base}/messages/zz`,
      headers,
      payload: { seen: true },
    });
    expect(res.statusCode).toBe(404);
    expect(problemOf(res).code).toBe("message_not_found");
  });
});

describe("DELETE .../messages/{id}", () => {
  it("removes the message (an expunge event for IMAP), then 404", async () => {
    const { t, run, headers, base } = await setup();
    const keep = await seed(t.store, run, { subject: "keep" });
    const gone = await seed(t.store, run, { subject: "gone" });
    const events: StoreEvent[] = [];
    const stop = await t.store.subscribe(run.id, (e) => events.push(e));
    const res = await t.app.inject({ method: "DELETE", url: `${base}/messages/${gone.id}`, headers });
    stop();
    expect(res.statusCode).toBe(204);
    expect(events).toEqual([expect.objectContaining({ type: "message.expunged", messageId: gone.id })]);
    expect(await t.store.getMessage(run.id, gone.id)).toBeUndefined();

    for (const url of [`${base}/messages/${gone.id}`, `${base}/messages/${gone.id}/raw`]) {
      const after = await t.app.inject({ url, headers });
      expect(after.statusCode, url).toBe(404);
      expect(problemOf(after).code).toBe("message_not_found");
    }
    const list = (await t.app.inject({ url: `${base}/messages`, headers })).json();
    expect(list.messages.map((m: { id: string }) => m.id)).toEqual([keep.id]);
    const again = await t.app.inject({ method: "DELETE", url: `${base}/messages/${gone.id}`, headers });
    expect(again.statusCode).toBe(404);
    expect(problemOf(again).code).toBe("message_not_found");
  });
});
