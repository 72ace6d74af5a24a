import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
const clients: ImapFlow[] = [];

type Logger = NonNullable<NonNullable<ConstructorParameters<typeof ImapFlow>[0]>["logger"]>;

function client(
  user: string,
  pass: string,
  opts: { secure?: boolean; starttls?: boolean; logger?: Logger } = {},
): ImapFlow {
  const c = new ImapFlow({
    host: "127.0.0.1",
    port: opts.secure ? server.tlsPort : server.port,
    secure: opts.secure ?? false,
    doSTARTTLS: opts.starttls ?? false,
    auth: { user, pass },
    logger: opts.logger ?? false,
    tls: { rejectUnauthorized: false },
    disableAutoIdle: true,
  });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

async function loggedIn(opts: { secure?: boolean; starttls?: boolean } = {}): Promise<ImapFlow> {
  const c = client(server.address, server.token, opts);
  await c.connect();
  return c;
}

beforeAll(async () => {
  server = await startServer();
  await seed(
    server,
    [1, 2, 3, 4, 5].map((n) => message(n)),
  );
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

describe("imapflow against sandmail IMAP", () => {
  it("logs in over plain, STARTTLS and implicit TLS and lists the special-use folders", async () => {
    for (const opts of [{}, { starttls: true }, { secure: true }]) {
      const c = await loggedIn(opts);
      expect(c.capabilities.has("IDLE")).toBe(true);
      expect(c.capabilities.has("UIDPLUS")).toBe(true);
      expect(c.capabilities.has("CONDSTORE")).toBe(true);
      const list = await c.list();
      const byPath = Object.fromEntries(list.map((m) => [m.path, m.specialUse ?? ""]));
      expect(byPath).toMatchObject({
        INBOX: "\\Inbox",
        Sent: "\\Sent",
        Drafts: "\\Drafts",
        Trash: "\\Trash",
        Junk: "\\Junk",
        Archive: "\\Archive",
      });
      await c.logout();
    }
  });

  it("lists folders with their status in one LIST-STATUS command, no STATUS per folder", async () => {
    const sent: string[] = [];
    const warnings: unknown[] = [];
    const record = (entry: { src?: string; msg?: string }) => {
      if (entry.src === "c" && entry.msg) sent.push(entry.msg);
    };
    const c = client(server.address, server.token, {
      logger: { debug: record, info: () => {}, warn: (e: unknown) => warnings.push(e), error: () => {} },
    });
    await c.connect();
    expect(c.capabilities.has("LIST-STATUS")).toBe(true);
    await c.mailboxCreate("Reports/2024");
    await c.mailboxUnsubscribe("Reports/2024");
    const list = await c.list({ statusQuery: { messages: true, unseen: true, uidNext: true } });
    const inbox = list.find((m) => m.path === "INBOX");
    const mb = await server.store.getMailbox(server.runId, server.address, "INBOX");
    expect(inbox?.status).toMatchObject({ messages: mb!.messages, unseen: mb!.unseen, uidNext: mb!.uidNext });
    expect(inbox?.subscribed).toBe(true);
    const reports = list.find((m) => m.path === "Reports/2024");
    expect(reports?.status).toMatchObject({ messages: 0, unseen: 0, uidNext: 1 });
    expect(reports?.subscribed).toBeFalsy();
    expect(sent.filter((line) => /^\S+ LIST .*RETURN \(STATUS \(/.test(line))).toHaveLength(1);
    expect(sent.filter((line) => /^\S+ STATUS /.test(line))).toEqual([]);
    expect(warnings).toEqual([]);
    await c.mailboxDelete("Reports/2024");
    await c.mailboxDelete("Reports");
    await c.logout();
  });

  it("appends NUL bytes as a literal8 and fetches parts decoded with BINARY", async () => {
    const c = await loggedIn();
    expect(c.capabilities.has("BINARY")).toBe(true);
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 0xff, 0x0a, 0]);
    const raw = Buffer.concat([
      Buffer.from(
        "From: a@example.com\r\nSubject: binary parts\r\nMIME-Version: 1.0\r\n" +
          "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n" +
          "Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 cr=C3=A8me\r\n--b\r\n" +
          "Content-Type: application/pdf\r\nContent-Transfer-Encoding: binary\r\n\r\n",
      ),
      pdf,
      Buffer.from(
        "\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n",
      ),
      Buffer.from(pdf.toString("base64")),
      Buffer.from("\r\n--b--\r\n"),
    ]);
    await c.mailboxCreate("Binary");
    const appended = await c.append("Binary", raw);
    expect(appended).toBeTruthy();
    const uid = (appended as { uid: number }).uid;
    // Kept byte for byte: the NULs and the bare LF of the binary part included.
    const stored = (await server.store.listMessages(server.runId, { address: server.address })).find(
      (m) => m.uid === uid && m.mailbox === "Binary",
    );
    expect((await server.store.getRaw(server.runId, stored!.id))?.equals(raw)).toBe(true);
    await c.mailboxOpen("Binary");
    const msg = await c.fetchOne(String(uid), { bodyParts: ["1", "2", "3"] }, { uid: true, binary: true });
    if (!msg) throw new Error(`FETCH found no message with UID ${uid}`);
    expect(msg.bodyParts?.get("1")?.toString()).toBe("café crème");
    expect(msg.bodyParts?.get("2")?.equals(pdf)).toBe(true);
    expect(msg.bodyParts?.get("3")?.equals(pdf)).toBe(true);
    await c.logout();
  });

  it("refuses wrong tokens, other runs' tokens and unknown runs with AUTHENTICATIONFAILED", async () => {
    const other = await server.store.createRun({
      id: "runb",
      ttlSeconds: 60,
      limits: { maxMessages: 10, maxBytes: 1e6 },
    });
    for (const [user, pass] of [
      [server.address, "wrong-token"],
      [server.address, other.token],
      [`bob@nosuchrun.${server.config.SANDMAIL_DOMAIN}`, server.token],
      ["someone@elsewhere.example", server.token],
    ] as const) {
      const c = client(user, pass);
      await expect(c.connect()).rejects.toMatchObject({ serverResponseCode: "AUTHENTICATIONFAILED" });
    }
    // A run's own token opens any address of that run, and the runId/address form works.
    const b = client(`carol@runb.${server.config.SANDMAIL_DOMAIN}`, other.token);
    await b.connect();
    await b.logout();
    const catchAll = client("runb/Someone@Elsewhere.example", other.token);
    await catchAll.connect();
    const inbox = await catchAll.mailboxOpen("INBOX");
    expect(inbox.exists).toBe(0);
    await catchAll.logout();
    // Deleted run: refused.
    await server.store.deleteRun("runb");
    await expect(
      client(`carol@runb.${server.config.SANDMAIL_DOMAIN}`, other.token).connect(),
    ).rejects.toMatchObject({
      serverResponseCode: "AUTHENTICATIONFAILED",
    });
  });

  it("selects INBOX with counts, fetches envelopes and bodies, UIDs included", async () => {
    const c = await loggedIn();
    const mb = await c.mailboxOpen("INBOX");
    expect(mb.exists).toBe(5);
    expect(mb.uidNext).toBe(6);
    expect(mb.permanentFlags?.has("\\*")).toBe(true);
    const msgs = await c.fetchAll("1:*", {
      uid: true,
      flags: true,
      envelope: true,
      size: true,
      bodyStructure: true,
    });
    expect(msgs.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(msgs.map((m) => m.uid)).toEqual([1, 2, 3, 4, 5]);
    expect(msgs[2]!.envelope!.subject).toBe("Message 3");
    expect(msgs[2]!.bodyStructure!.type).toBe("text/plain");
    const one = await c.fetchOne("5", { source: true, uid: true }, { uid: true });
    expect(one && one.source!.toString()).toBe(message(5).toString());
    await c.logout();
  });

  it("appends with APPENDUID and the message is in the store", async () => {
    const c = await loggedIn();
    const raw = message(99, { subject: "Saved draft" });
    const res = await c.append("Drafts", raw, ["\\Draft", "\\Seen"]);
    if (!res) throw new Error("APPEND failed");
    expect(res.uid).toBe(1);
    const drafts = await server.store.getMailbox(server.runId, server.address, "Drafts");
    expect(res.uidValidity).toBe(BigInt(drafts!.uidValidity));
    const stored = await server.store.listMessages(server.runId, { mailboxId: drafts!.id });
    expect(stored.map((m) => m.summary.subject)).toEqual(["Saved draft"]);
    expect(stored[0]!.flags.sort()).toEqual(["\\Draft", "\\Seen"]);
    await c.logout();
  });

  it("stores flags (all forms) and the store agrees", async () => {
    const c = await loggedIn();
    await c.mailboxOpen("INBOX");
    await c.messageFlagsAdd("1:2", ["\\Seen", "$Label1"]);
    await c.messageFlagsRemove("2", ["$Label1"]);
    await c.messageFlagsSet({ uid: "3" } as never, ["\\Flagged"]);
    await c.messageFlagsSet("3", ["\\Flagged"], { uid: true });
    const msgs = await c.fetchAll("1:3", { flags: true });
    expect(msgs.map((m) => [...(m.flags ?? [])].sort())).toEqual([
      ["$Label1", "\\Seen"],
      ["\\Seen"],
      ["\\Flagged"],
    ]);
    const inbox = await server.store.getMailbox(server.runId, server.address, "INBOX");
    const index = (await server.store.mailboxIndex(server.runId, inbox!.id)).entries();
    expect(index[0]!.flags.sort()).toEqual(["$Label1", "\\Seen"]);
    await c.logout();
  });

  it("copies and moves with COPYUID, then expunges", async () => {
    const c = await loggedIn();
    await c.mailboxOpen("INBOX");
    const copied = await c.messageCopy("1:2", "Archive");
    expect(copied && Object.fromEntries(copied.uidMap!)).toEqual({ 1: 1, 2: 2 });
    const moved = await c.messageMove({ uid: "4" } as never, "Trash", { uid: true });
    expect(moved && Object.fromEntries(moved.uidMap!)).toEqual({ 4: 1 });
    const uids = (await c.fetchAll("1:*", { uid: true })).map((m) => m.uid);
    expect(uids).toEqual([1, 2, 3, 5]);
    await c.messageDelete("5", { uid: true });
    expect((await c.fetchAll("1:*", { uid: true })).map((m) => m.uid)).toEqual([1, 2, 3]);
    const st = await c.status("Trash", { messages: true, uidNext: true, unseen: true });
    expect(st ? st.messages : -1).toBe(1);
    await c.logout();
  });

  it("creates, renames and deletes folders with non-ASCII names", async () => {
    const c = await loggedIn();
    await c.mailboxCreate("Entwürfe/Ü & Co");
    let paths = (await c.list()).map((m) => m.path);
    expect(paths).toContain("Entwürfe");
    expect(paths).toContain("Entwürfe/Ü & Co");
    await c.mailboxRename("Entwürfe", "Projekte ☃");
    paths = (await c.list()).map((m) => m.path);
    expect(paths).toContain("Projekte ☃/Ü & Co");
    expect(paths).not.toContain("Entwürfe");
    const stored = (await server.store.listMailboxes(server.runId, server.address)).map((m) => m.name);
    expect(stored).toContain("Projekte ☃/Ü & Co");
    await c.mailboxDelete("Projekte ☃/Ü & Co");
    await c.mailboxDelete("Projekte ☃");
    paths = (await c.list()).map((m) => m.path);
    expect(paths.some((p) => p.startsWith("Projekte"))).toBe(false);
    await c.logout();
  });

  it("searches by subject, flags and UID", async () => {
    const c = await loggedIn();
    await c.mailboxOpen("INBOX");
    expect(await c.search({ subject: "Message 2" })).toEqual([2]);
    expect(await c.search({ seen: true }, { uid: true })).toEqual([1, 2]);
    expect(await c.search({ flagged: true })).toEqual([3]);
    await c.logout();
  });

  it("IDLE reports mail delivered through the store, and flag changes from another session", async () => {
    const watcher = await loggedIn();
    await watcher.mailboxOpen("INBOX");
    const before = watcher.mailbox ? (watcher.mailbox as { exists: number }).exists : 0;
    const exists = new Promise<number>((resolve) =>
      watcher.once("exists", (e: { count: number }) => resolve(e.count)),
    );
    const idling = watcher.idle();
    // Wait until the server said "+ idling" (imapflow sets idling then).
    while (!watcher.idling) await new Promise((r) => setImmediate(r));
    await seed(server, [message(200, { subject: "During idle" })]);
    expect(await exists).toBe(before + 1);
    const flags = new Promise<{ uid?: number; flags: Set<string> }>((resolve) =>
      watcher.once("flags", resolve),
    );
    const other = await loggedIn();
    await other.mailboxOpen("INBOX");
    await other.messageFlagsAdd("1", ["\\Answered"]);
    const update = await flags;
    expect([...update.flags]).toContain("\\Answered");
    await other.logout();
    await watcher.noop();
    await idling;
    await watcher.logout();
  });

  it("keeps runs apart: a session sees only its own address's mail", async () => {
    const run = await server.store.createRun({
      id: "runc",
      ttlSeconds: 60,
      limits: { maxMessages: 10, maxBytes: 1e6 },
    });
    const c = client(`dave@runc.${server.config.SANDMAIL_DOMAIN}`, run.token);
    await c.connect();
    const mb = await c.mailboxOpen("INBOX");
    expect(mb.exists).toBe(0);
    await c.logout();
  });
});
