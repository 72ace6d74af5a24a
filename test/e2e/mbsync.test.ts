/**
 * A real sync client against sandmail's IMAP: mbsync (isync) mirrors a run's mailboxes into a
 * local Maildir over STARTTLS, every message arrives byte for byte, and flags set locally (by
 * renaming the Maildir file, as mail clients do) sync back and show in the API.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMaildirFlag,
  isMbsyncAvailable,
  type MaildirMessage,
  peerCertificatePem,
  readMaildir,
  runMbsync,
  writeMbsyncConfig,
} from "../support/mbsync.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { assertTool, skipWithoutTool } from "../support/tools.js";

const fixtureDir = new URL("../../services/imap/test/fixtures/", import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith(".eml"))
  .sort()
  .map((name) => ({ name, raw: readFileSync(new URL(name, fixtureDir)) }));

/**
 * What mbsync legitimately changes in the bytes it is given: a Maildir keeps local line endings
 * (LF where the server sent CRLF), and mbsync adds its own `X-TUID:` line at the end of the header
 * to recognise the copy later. Everything else must be the server's bytes, exactly.
 */
const asMaildir = (raw: Buffer) => Buffer.from(raw.toString("latin1").replace(/\r\n/g, "\n"), "latin1");
const withoutTuid = (file: Buffer) =>
  Buffer.from(file.toString("latin1").replace(/^X-TUID: [^\n]*\n/m, ""), "latin1");

/** mbsync refuses a message whose header never ends with a blank line (fixture 14 is one). */
const HEADER_ONLY = "14-no-body.eml";

const available = isMbsyncAvailable();
const title = available
  ? "mbsync syncs a run's mailboxes"
  : "mbsync syncs a run's mailboxes (skipped: mbsync is not installed; apt-get install isync)";

describe.skipIf(skipWithoutTool(available))(title, () => {
  let sb: TestSandbox;
  let run: TestRun;
  let dir: string;
  let config: string;
  const address = () => run.address("qa");
  const folder = (name: string) => join(dir, "mail", name);

  /** Stored messages of one folder, with the Maildir form of their bytes. */
  const stored = async (name: string) => {
    const mailbox = await sb.store.getMailbox(run.id, address(), name);
    if (!mailbox) throw new Error(`no mailbox ${name}`);
    const messages = await sb.store.listMessages(run.id, { mailboxId: mailbox.id, order: "asc" });
    return Promise.all(
      messages.map(async (m) => ({
        id: m.id,
        bytes: asMaildir((await sb.store.getRaw(run.id, m.id)) ?? Buffer.alloc(0)),
      })),
    );
  };

  /**
   * Pairs each Maildir file with the stored message it is a copy of (failing on a file that is
   * a copy of none); `unmatched` are the stored messages that have no copy.
   */
  const match = (local: MaildirMessage[], remote: Array<{ id: string; bytes: Buffer }>) => {
    const unmatched = [...remote];
    const pairs = local.map((file) => {
      const bytes = withoutTuid(file.bytes);
      const i = unmatched.findIndex((r) => r.bytes.equals(bytes));
      if (i === -1) throw new Error(`${file.path} matches no stored message byte for byte`);
      return { file, id: unmatched.splice(i, 1)[0]!.id };
    });
    return { pairs, unmatched };
  };
  const pair = (local: MaildirMessage[], remote: Array<{ id: string; bytes: Buffer }>) => {
    const { pairs, unmatched } = match(local, remote);
    expect(unmatched).toEqual([]);
    return pairs;
  };

  const apiFlags = async (id: string) => {
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/${id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { seen: boolean; flagged: boolean };
    return { seen: body.seen, flagged: body.flagged };
  };

  beforeAll(async () => {
    assertTool(available, "mbsync", "apt-get install isync");
    sb = await startTestSandbox();
    run = await sb.createRun();
    dir = await mkdtemp(join(tmpdir(), "sandmail-mbsync-"));

    // INBOX: every fixture (multipart, nested message/rfc822, 8-bit, broken headers...) over SMTP.
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    for (const f of fixtures) {
      await smtp.sendMail({ envelope: { from: "app@example.com", to: address() }, raw: f.raw });
    }
    smtp.close();

    // A folder of the user's own, filled by a client: one message already seen.
    const imap = new ImapFlow({
      host: "127.0.0.1",
      port: sb.ports.imap ?? 0,
      secure: false,
      doSTARTTLS: false,
      auth: { user: address(), pass: run.token },
      logger: false,
    });
    await imap.connect();
    await imap.mailboxCreate("Receipts");
    await imap.append("Receipts", fixtures[2]!.raw);
    await imap.append("Receipts", fixtures[4]!.raw, ["\\Seen"]);
    await imap.logout();

    const cert = join(dir, "server.pem");
    await writeFile(cert, await peerCertificatePem(sb.ports.imaps ?? 0));
    config = await writeMbsyncConfig(dir, {
      port: sb.ports.imap ?? 0,
      user: address(),
      password: run.token,
      certificateFile: cert,
    });
  });

  afterAll(async () => {
    await sb?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("pulls every mailbox into a Maildir, each message byte for byte", async () => {
    const log = await runMbsync(config);
    expect(readdirSync(join(dir, "mail")).sort()).toEqual(
      ["Archive", "Drafts", "INBOX", "Junk", "Receipts", "Sent", "Trash"].sort(),
    );

    // All but the header-only message, which mbsync itself skips (with any server: the bytes
    // are exact, and a header without its blank line is what the message is).
    const inbox = await readMaildir(folder("INBOX"));
    const remote = await stored("INBOX");
    expect(remote).toHaveLength(fixtures.length);
    const { pairs, unmatched } = match(inbox, remote);
    expect(pairs).toHaveLength(fixtures.length - 1);
    expect(pairs.every((p) => p.file.flags === "")).toBe(true);
    expect(unmatched).toHaveLength(1);
    const headerOnly = asMaildir(fixtures.find((f) => f.name === HEADER_ONLY)!.raw).toString("latin1");
    expect(unmatched[0]!.bytes.toString("latin1").endsWith(headerOnly)).toBe(true);
    expect(log.match(/has incomplete header; skipping/g)).toHaveLength(1);

    const receipts = await readMaildir(folder("Receipts"));
    expect(receipts).toHaveLength(2);
    const receiptFlags = pair(receipts, await stored("Receipts"))
      .map((p) => p.file.flags)
      .sort();
    expect(receiptFlags).toEqual(["", "S"]);
    expect(await readMaildir(folder("Sent"))).toEqual([]);
  });

  it("sends flags set in the Maildir back, where the API sees them", async () => {
    const { pairs } = match(await readMaildir(folder("INBOX")), await stored("INBOX"));
    const [read, starred, untouched] = [pairs[0]!, pairs[5]!, pairs[9]!];
    expect(await apiFlags(read.id)).toEqual({ seen: false, flagged: false });
    await addMaildirFlag(folder("INBOX"), read.file, "S");
    await addMaildirFlag(folder("INBOX"), starred.file, "F");

    await runMbsync(config);
    expect(await apiFlags(read.id)).toEqual({ seen: true, flagged: false });
    expect(await apiFlags(starred.id)).toEqual({ seen: false, flagged: true });
    expect(await apiFlags(untouched.id)).toEqual({ seen: false, flagged: false });

    // A third sync finds both sides agreeing: nothing is copied twice, the flags stay.
    await runMbsync(config);
    const again = match(await readMaildir(folder("INBOX")), await stored("INBOX")).pairs;
    expect(again).toHaveLength(fixtures.length - 1);
    const flagsById = new Map(again.map((p) => [p.id, p.file.flags]));
    expect(flagsById.get(read.id)).toBe("S");
    expect(flagsById.get(starred.id)).toBe("F");
  });
});
