import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openInbox } from "../support/imap-client.js";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/** The API, SMTP and IMAP of one all-in-one server agree on every message's state. */
describe("IMAP and the API share one mailbox state", () => {
  let sb: TestSandbox;
  let run: TestRun;
  let imap: ImapFlow;
  const address = () => run.address("qa");

  const send = (subject: string, to = address()) =>
    nodemailer
      .createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true })
      .sendMail({ from: "app@example.com", to, subject, text: `body of ${subject}` });

  const apiMessages = async () =>
    (
      (await (await sb.api(run, `/v1/runs/${run.id}/messages`)).json()) as {
        messages: Array<{ id: string; subject: string; seen: boolean; flagged: boolean; mailbox: string }>;
      }
    ).messages;

  beforeAll(async () => {
    sb = await startTestSandbox();
    run = await sb.createRun();
    imap = new ImapFlow({
      host: "127.0.0.1",
      port: sb.ports.imap ?? 0,
      secure: false,
      doSTARTTLS: false,
      auth: { user: address(), pass: run.token },
      logger: false,
    });
    await imap.connect();
  });
  afterAll(async () => {
    await imap?.logout().catch(() => {});
    await sb.close();
  });

  it("hands out IMAP settings when a run is created", async () => {
    const res = await fetch(`${sb.apiUrl}/v1/runs`, { method: "POST" });
    const body = (await res.json()) as { imap?: { port: number; tlsPort: number; password: string } };
    expect(body.imap?.port).toBe(sb.ports.imap);
    expect(body.imap?.tlsPort).toBe(sb.ports.imaps);
  });

  it("shows mail delivered over SMTP, and \\Seen set over IMAP shows in the API", async () => {
    await send("first");
    const lock = await imap.getMailboxLock("INBOX");
    try {
      const found = await imap.search({ subject: "first" }, { uid: true });
      expect(found).toHaveLength(1);
      const uid = (found as number[])[0] ?? 0;
      const fetched = await imap.fetchOne(String(uid), { source: true }, { uid: true });
      if (!fetched) throw new Error(`FETCH found no message with UID ${uid}`);
      expect(fetched.source?.toString()).toContain("body of first");
      await imap.messageFlagsAdd(String(uid), ["\\Seen", "\\Flagged"], { uid: true });
    } finally {
      lock.release();
    }
    const msg = (await apiMessages()).find((m) => m.subject === "first");
    expect(msg).toMatchObject({ seen: true, flagged: true });
  });

  it("a flag changed and a message deleted through the API reach the IMAP session", async () => {
    await send("second");
    const msg = (await apiMessages()).find((m) => m.subject === "second");
    const patched = await sb.api(run, `/v1/runs/${run.id}/messages/${msg?.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ flagged: true }),
    });
    expect(patched.status).toBe(200);
    const lock = await imap.getMailboxLock("INBOX");
    try {
      // INBOX is still selected from the previous test: a NOOP is how a client learns of new mail.
      await imap.noop();
      const [uid] = (await imap.search({ subject: "second" }, { uid: true })) as number[];
      const flags = await imap.fetchOne(String(uid), { flags: true }, { uid: true });
      expect(flags && [...(flags.flags ?? [])]).toContain("\\Flagged");
      const before = imap.mailbox && typeof imap.mailbox === "object" ? imap.mailbox.exists : -1;
      expect((await sb.api(run, `/v1/runs/${run.id}/messages/${msg?.id}`, { method: "DELETE" })).status).toBe(
        204,
      );
      await imap.noop();
      const after = imap.mailbox && typeof imap.mailbox === "object" ? imap.mailbox.exists : -1;
      expect(after).toBe(before - 1);
      expect(await imap.search({ subject: "second" }, { uid: true })).toEqual([]);
    } finally {
      lock.release();
    }
  });

  it("a message APPENDed by a client (a saved draft) is visible in the API", async () => {
    const raw = `From: qa@example.com\r\nTo: someone@example.com\r\nSubject: my draft\r\n\r\ndraft text\r\n`;
    const res = await imap.append("Drafts", raw, ["\\Draft"]);
    expect(res && typeof res === "object" && "uid" in res ? res.uid : 0).toBeGreaterThan(0);
    const draft = (await apiMessages()).find((m) => m.subject === "my draft");
    expect(draft?.mailbox).toBe("Drafts");
  });

  it("a fresh address's first message makes its INBOX alone; IMAP LIST shows every default folder", async () => {
    const fresh = run.address("fresh-folders");
    await send("to a fresh address", fresh);
    const made = async () =>
      (await sb.store.eventsSince(run.id, 0))
        .filter((e) => e.type === "mailbox.created" && e.address === fresh)
        .map((e) => (e as { name: string }).name);
    expect(await made()).toEqual(["INBOX"]);
    const client = await openInbox(sb, fresh, run.token);
    try {
      const listed = async () =>
        (await client.list()).map((m) => [m.path, m.specialUse ?? "", m.subscribed]).sort();
      expect(await listed()).toEqual([
        ["Archive", "\\Archive", true],
        ["Drafts", "\\Drafts", true],
        ["INBOX", "\\Inbox", true],
        ["Junk", "\\Junk", true],
        ["Sent", "\\Sent", true],
        ["Trash", "\\Trash", true],
      ]);
      expect(await client.status("INBOX", { messages: true })).toMatchObject({ messages: 1 });
      expect(await made()).toEqual(["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"]);
      await client.mailboxDelete("Junk");
    } finally {
      await client.logout().catch(() => {});
    }
    // A deleted default stays deleted: for the next message, the next login and the API.
    await send("again", fresh);
    const res = await sb.api(run, `/v1/runs/${run.id}/inboxes/${encodeURIComponent(fresh)}/folders`);
    const { folders } = (await res.json()) as { folders: Array<{ name: string }> };
    expect(folders.map((f) => f.name).sort()).toEqual(["Archive", "Drafts", "INBOX", "Sent", "Trash"]);
  });

  it("Python imaplib logs in and reads the inbox; another run's token is refused", async () => {
    await send("for imaplib");
    const script = `
import imaplib, sys
host, port, user, token, other = sys.argv[1:6]
m = imaplib.IMAP4(host, int(port))
try:
    m.login(user, other)
    print("other-token-accepted")
except imaplib.IMAP4.error as e:
    print("refused", e)
m = imaplib.IMAP4(host, int(port))
m.login(user, token)
typ, data = m.select("INBOX", readonly=True)
typ, ids = m.search(None, 'SUBJECT', '"for imaplib"')
typ, msg = m.fetch(ids[0].split()[0], "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
print(msg[0][1].decode().strip())
m.logout()
`;
    const other = await sb.createRun();
    const out = await runPython(script, [
      "127.0.0.1",
      String(sb.ports.imap),
      address(),
      run.token,
      other.token,
    ]);
    expect(out).toContain("refused");
    expect(out).toContain("AUTHENTICATIONFAILED");
    expect(out).not.toContain("other-token-accepted");
    expect(out).toContain("Subject: for imaplib");
  });
});
