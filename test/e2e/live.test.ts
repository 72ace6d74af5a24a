/**
 * Live sync end to end on the all-in-one server: changes made through SMTP, the REST API and
 * other IMAP connections reach every open session, checked against a model of what each
 * session was told — with Python's imaplib (three sessions, a script), with imapflow, and for
 * live SEARCH / SORT results (RFC 5267 UPDATE) over a raw connection.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawImapClient } from "../../services/imap/test/support/imap-raw-client.js";
import { openInbox } from "../support/imap-client.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

const script = fileURLToPath(
  new URL("../../services/imap/test/live/support/live_imaplib.py", import.meta.url),
);

describe("live sync through SMTP, the API and IMAP", () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(async () => {
    await sb.close();
  });

  /** One message over SMTP, its subject as its text and Message-ID; resolves once stored. */
  const deliver = (to: string, subject: string) =>
    nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true }).sendMail({
      from: "app@example.com",
      to,
      subject,
      text: subject,
      messageId: `<${subject}@x.test>`,
    });

  it("imaplib: three sessions keep the right numbering while SMTP, the API and IMAP change the mailbox", async () => {
    const run = await sb.createRun();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "python3",
        [
          script,
          String(sb.ports.imap),
          String(sb.ports.smtp),
          sb.apiUrl,
          run.id,
          run.token,
          run.address("py"),
        ],
        { timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    const result = JSON.parse(out) as { ok: boolean; failures: string[]; steps: number };
    expect(result.failures).toEqual([]);
    expect(result.steps).toBeGreaterThan(20);
  }, 90_000);

  it("imapflow: two sessions follow SMTP delivery, an API PATCH and DELETE, and a MOVE", async () => {
    const run: TestRun = await sb.createRun();
    const address = run.address("flow");
    const send = (subject: string) => deliver(address, subject);
    for (const s of ["m1", "m2", "m3"]) await send(s);
    const open = async () => {
      const c = await openInbox(sb, address, run.token);
      // The model: seq -> UID as told by EXISTS / EXPUNGE / FETCH, learned with UID FETCH.
      const model: Array<number | undefined> = [];
      for await (const m of c.fetch("1:*", { uid: true })) model[m.seq - 1] = m.uid;
      c.on("exists", (e: { count: number }) => {
        while (model.length < e.count) model.push(undefined);
      });
      c.on("expunge", (e: { seq: number }) => model.splice(e.seq - 1, 1));
      const flags: Array<{ seq: number; uid?: number; flags: Set<string> }> = [];
      c.on("flags", (e: { seq: number; uid?: number; flags: Set<string> }) => flags.push(e));
      return { c, model, flags };
    };
    const a = await open();
    const b = await open();
    const ids = async () =>
      (
        (await (await sb.api(run, `/v1/runs/${run.id}/messages?limit=50`)).json()) as {
          messages: Array<{ id: string; subject: string; mailbox: string }>;
        }
      ).messages;
    const check = async (s: typeof a) => {
      await s.c.noop();
      for await (const m of s.c.fetch("1:*", { uid: true, envelope: true })) {
        const known = s.model[m.seq - 1];
        if (known !== undefined) expect(m.uid, `seq ${m.seq}`).toBe(known);
        s.model[m.seq - 1] = m.uid;
        const inbox = (await ids()).filter((x) => x.mailbox === "INBOX").map((x) => x.subject);
        expect(inbox).toContain(m.envelope?.subject);
      }
      expect(s.model.length).toBe((await ids()).filter((x) => x.mailbox === "INBOX").length);
    };

    // SMTP delivery wakes a's IDLE (imapflow idles on its own) and b's NOOP.
    const existsAtA = new Promise<void>((resolve) => a.c.once("exists", () => resolve()));
    const idling = a.c.idle();
    await send("m4");
    await existsAtA;
    await b.c.noop();
    expect(b.model.length).toBe(4);

    // API PATCH: both sessions get FETCH FLAGS for the right message.
    const m2 = (await ids()).find((x) => x.subject === "m2")!;
    await sb.api(run, `/v1/runs/${run.id}/messages/${m2.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ flagged: true }),
    });
    await b.c.noop();
    expect(b.flags.at(-1)?.seq).toBe(2);
    expect(b.flags.at(-1)?.flags.has("\\Flagged")).toBe(true);

    // API DELETE and an IMAP MOVE from b: a's numbering follows.
    const m1 = (await ids()).find((x) => x.subject === "m1")!;
    await sb.api(run, `/v1/runs/${run.id}/messages/${m1.id}`, { method: "DELETE" });
    await b.c.messageMove("1", "Archive");
    await check(a); // imapflow ends its IDLE to run these commands
    await idling.catch(() => {});
    await check(b);
    await a.c.logout();
    await b.c.logout();
  }, 60_000);
  it("raw IMAP: live SEARCH and SORT results follow SMTP delivery and API flag changes and deletes", async () => {
    const run: TestRun = await sb.createRun();
    const address = run.address("ctx");
    const send = (subject: string) => deliver(address, subject);
    await send("b-first");
    const c = await RawImapClient.connect("127.0.0.1", sb.ports.imap!);
    await c.ok(`LOGIN "${address}" "${run.token}"`);
    const caps = (await c.ok("CAPABILITY")).untagged[0]!.toString();
    for (const cap of ["ESORT", "CONTEXT=SEARCH", "CONTEXT=SORT"]) expect(caps).toContain(` ${cap}`);
    await c.ok("SELECT INBOX");
    const unseen = (await c.ok("UID SEARCH RETURN (UPDATE ALL) UNSEEN")).tag;
    const sorted = (await c.ok("SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL")).tag;
    const updates = (reply: { untagged: Buffer[] }) =>
      reply.untagged.map((u) => u.toString()).filter((l) => l.startsWith("ESEARCH"));

    // SMTP: "a-second" sorts before "b-first"; NOOP checks the store, so no wait is needed.
    await send("a-second");
    expect(updates(await c.ok("NOOP"))).toEqual([
      `ESEARCH (TAG "${unseen}") UID ADDTO (0 2)`,
      `ESEARCH (TAG "${sorted}") ADDTO (1 2)`,
    ]);

    const list = (await (await sb.api(run, `/v1/runs/${run.id}/messages?limit=10`)).json()) as {
      messages: Array<{ id: string; subject: string }>;
    };
    const id = (subject: string) => list.messages.find((m) => m.subject === subject)!.id;
    // API PATCH: read elsewhere, so it leaves the UNSEEN result.
    const patched = await sb.api(run, `/v1/runs/${run.id}/messages/${id("b-first")}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seen: true }),
    });
    expect(patched.status).toBe(200);
    expect(updates(await c.ok("NOOP"))).toEqual([`ESEARCH (TAG "${unseen}") UID REMOVEFROM (0 1)`]);

    // API DELETE: the sorted result loses it (position 2, number 1) before its EXPUNGE.
    await sb.api(run, `/v1/runs/${run.id}/messages/${id("b-first")}`, { method: "DELETE" });
    const deleted = (await c.ok("NOOP")).untagged.map((u) => u.toString());
    expect(deleted.filter((l) => l.startsWith("ESEARCH"))).toEqual([
      `ESEARCH (TAG "${sorted}") REMOVEFROM (2 1)`,
    ]);
    expect(deleted.indexOf(`ESEARCH (TAG "${sorted}") REMOVEFROM (2 1)`)).toBeLessThan(
      deleted.indexOf("1 EXPUNGE"),
    );
    await c.ok("LOGOUT");
    await c.close();
  }, 60_000);
});
