/**
 * The run-wide IMAP account: logging in as the run id (password = token) shows every inbox of
 * the run as its own hierarchy `<address>/<folder>`, so one mail-client account holds all of a
 * test's mail. Driven by imapflow and by mbsync; the per-address login stays as it was, and
 * another run's mail never shows.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMbsyncAvailable, readMaildir, runMbsync, writeMbsyncConfig } from "../support/mbsync.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { assertTool, skipWithoutTool } from "../support/tools.js";

let sb: TestSandbox;
let run: TestRun;
let other: TestRun;

async function send(to: string, subject: string): Promise<void> {
  const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
  await smtp.sendMail({ from: "app@example.com", to, subject, text: `body of ${subject}` });
  smtp.close();
}

async function runAccount(user = run.id, pass = run.token): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: "127.0.0.1",
    port: sb.ports.imap ?? 0,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass },
    logger: false,
  });
  await client.connect();
  return client;
}

beforeAll(async () => {
  sb = await startTestSandbox();
  run = await sb.createRun();
  other = await sb.createRun();
  await send(run.address("alice"), "for alice 1");
  await send(run.address("alice"), "for alice 2");
  await send(run.address("bob"), "for bob");
  await send(other.address("eve"), "another run's mail");
});

afterAll(async () => {
  await sb?.close();
});

describe("the run-wide account with imapflow", () => {
  it("lists every inbox of the run as its own hierarchy, and nothing of another run", async () => {
    const imap = await runAccount();
    try {
      const list = await imap.list();
      const names = list.map((m) => m.path).sort();
      const alice = run.address("alice");
      const bob = run.address("bob");
      for (const address of [alice, bob]) {
        for (const folder of ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"]) {
          expect(names).toContain(`${address}/${folder}`);
        }
        const level = list.find((m) => m.path === address);
        expect(level?.flags.has("\\Noselect")).toBe(true);
      }
      expect(names.some((n) => n.includes(other.id))).toBe(false);
      expect(list.find((m) => m.path === `${alice}/Sent`)?.specialUse).toBe("\\Sent");

      const messages = async (path: string) => {
        const status = await imap.status(path, { messages: true });
        return status ? status.messages : undefined;
      };
      expect(await messages(`${alice}/INBOX`)).toBe(2);
      expect(await messages(`${bob}/INBOX`)).toBe(1);
    } finally {
      await imap.logout();
    }
  });

  it("answers LIST-STATUS per folder of the run, none for an address level or another run", async () => {
    const imap = await runAccount();
    try {
      const list = await imap.list({ statusQuery: { messages: true, unseen: true } });
      const alice = run.address("alice");
      const bob = run.address("bob");
      expect(list.find((m) => m.path === `${alice}/INBOX`)?.status).toMatchObject({ messages: 2, unseen: 2 });
      expect(list.find((m) => m.path === `${bob}/INBOX`)?.status).toMatchObject({ messages: 1, unseen: 1 });
      expect(list.find((m) => m.path === `${bob}/Trash`)?.status).toMatchObject({ messages: 0 });
      expect(list.find((m) => m.path === alice)?.status).toBeUndefined();
      expect(list.some((m) => m.path.includes(other.id))).toBe(false);
    } finally {
      await imap.logout();
    }
  });

  it("reads, flags, moves and creates folders in each inbox; the API and per-address logins see it", async () => {
    const alice = run.address("alice");
    const bob = run.address("bob");
    const imap = await runAccount();
    try {
      const lock = await imap.getMailboxLock(`${alice}/INBOX`);
      try {
        const subjects: string[] = [];
        for await (const m of imap.fetch("1:*", { envelope: true })) subjects.push(m.envelope?.subject ?? "");
        expect(subjects.sort()).toEqual(["for alice 1", "for alice 2"]);
        await imap.messageFlagsAdd("1", ["\\Flagged"]);
        // Across inboxes: a message of alice's filed in bob's Archive.
        expect(await imap.messageMove("2", `${bob}/Archive`)).toBeTruthy();
      } finally {
        lock.release();
      }
      await imap.mailboxCreate(`${alice}/Projects/2026`);
      await expect(imap.mailboxCreate("TopLevel")).rejects.toThrow();
      await expect(imap.mailboxCreate(`nobody@${run.domain}/X`)).rejects.toThrow();
    } finally {
      await imap.logout();
    }

    const res = await sb.api(run, `/v1/runs/${run.id}/messages?limit=100`);
    const messages = ((await res.json()) as { messages: Array<{ subject: string; flagged: boolean }> })
      .messages;
    expect(messages.find((m) => m.subject === "for alice 1")?.flagged).toBe(true);
    const archive = await sb.store.getMailbox(run.id, bob, "Archive");
    const filed = await sb.store.listMessages(run.id, { mailboxId: archive!.id });
    expect(filed.map((m) => m.summary.subject)).toEqual(["for alice 2"]);
    expect((await sb.store.listMailboxes(run.id, alice)).map((m) => m.name)).toContain("Projects/2026");

    // The per-address login still sees only its own folders, by their own names.
    const own = new ImapFlow({
      host: "127.0.0.1",
      port: sb.ports.imap ?? 0,
      secure: false,
      doSTARTTLS: false,
      auth: { user: alice, pass: run.token },
      logger: false,
    });
    await own.connect();
    try {
      const names = (await own.list()).map((m) => m.path);
      expect(names).toContain("Projects/2026");
      expect(names).toContain("INBOX");
      expect(names.some((n) => n.includes("@"))).toBe(false);
    } finally {
      await own.logout();
    }
  });

  it("refuses the run id with another run's token", async () => {
    await expect(runAccount(run.id, other.token)).rejects.toThrow();
  });
});

const mbsync = isMbsyncAvailable();

describe.skipIf(skipWithoutTool(mbsync))("the run-wide account with mbsync", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sandmail-run-account-"));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("mirrors every inbox of the run into one Maildir tree", async () => {
    assertTool(mbsync, "mbsync", "apt-get install isync");
    const fresh = await sb.createRun();
    await send(fresh.address("qa"), "qa one");
    await send(fresh.address("qa"), "qa two");
    await send(fresh.address("ops"), "ops one");
    const config = await writeMbsyncConfig(dir, {
      port: sb.ports.imap ?? 0,
      user: fresh.id,
      password: fresh.token,
    });
    await runMbsync(config);
    const mail = join(dir, "mail");
    expect((await readdir(mail)).sort()).toEqual([fresh.address("ops"), fresh.address("qa")].sort());
    const qa = await readMaildir(join(mail, fresh.address("qa"), "INBOX"));
    const ops = await readMaildir(join(mail, fresh.address("ops"), "INBOX"));
    const subjectOf = (m: { bytes: Buffer }) => /^Subject: (.*)$/m.exec(m.bytes.toString("latin1"))?.[1];
    expect(qa.map(subjectOf).sort()).toEqual(["qa one", "qa two"]);
    expect(ops.map(subjectOf)).toEqual(["ops one"]);
    expect((await readdir(join(mail, fresh.address("qa")))).sort()).toEqual(
      ["Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"].sort(),
    );
  });
});
