/**
 * SORT and THREAD against Dovecot: the 40-message corpus (INBOX) and 300 generated messages
 * (mailbox Gen, see generated.ts) are APPENDed to both servers, and the same commands replayed.
 * Answers compare as sequences of positions (UIDs mapped to the n-th message, since the servers
 * number independently); the order is compared exactly, ties included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipWithoutTool } from "../../../../test/support/tools.js";
import { Atom } from "../../src/protocol/ast.js";
import { type DovecotServer, isDovecotAvailable, startDovecot } from "../support/dovecot.js";
import type { ImapReply, RawImapClient } from "../support/imap-raw-client.js";
import { fetchedUids } from "../support/imap-response.js";
import { startServer, type TestServer } from "../support/server.js";
import { appendAll, loadFixtures, loginBoth } from "./fixtures.js";
import { generateMessages } from "./generated.js";

const available = isDovecotAvailable();

const MAILBOXES = ["INBOX", "Gen"] as const;

const SORT_SCRIPT = [
  "SORT (ARRIVAL) UTF-8 ALL",
  "SORT (CC) UTF-8 ALL",
  "SORT (DATE) UTF-8 ALL",
  "SORT (FROM) UTF-8 ALL",
  "SORT (SIZE) UTF-8 ALL",
  "SORT (SUBJECT) UTF-8 ALL",
  "SORT (TO) UTF-8 ALL",
  "SORT (DISPLAYFROM) UTF-8 ALL",
  "SORT (DISPLAYTO) UTF-8 ALL",
  "SORT (REVERSE ARRIVAL) UTF-8 ALL",
  "SORT (REVERSE DATE) UTF-8 ALL",
  "SORT (REVERSE SUBJECT) US-ASCII ALL",
  "SORT (REVERSE FROM DATE) UTF-8 ALL",
  "SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
  "SORT (REVERSE SIZE) UTF-8 ALL",
  "SORT (DISPLAYTO REVERSE DISPLAYFROM SIZE) UTF-8 ALL",
  "UID SORT (SUBJECT DATE) UTF-8 ALL",
  "UID SORT (FROM) US-ASCII SEEN",
  "SORT (DATE) UTF-8 SUBJECT re",
  "UID SORT (REVERSE ARRIVAL) UTF-8 OR FLAGGED LARGER 1000",
  "SORT (SIZE) UTF-8 NOT SEEN SINCE 1-Mar-2024",
  "SORT (DATE) UTF-8 2:20,30:*",
  "SORT (SUBJECT) UTF-8 BODY lorem",
  "SORT (BOGUS) UTF-8 ALL",
  "SORT () UTF-8 ALL",
  "SORT (REVERSE) UTF-8 ALL",
  "SORT (DATE) ALL",
];

const THREAD_SCRIPT = [
  "THREAD ORDEREDSUBJECT UTF-8 ALL",
  "THREAD REFERENCES UTF-8 ALL",
  "UID THREAD REFERENCES US-ASCII ALL",
  "UID THREAD ORDEREDSUBJECT UTF-8 ALL",
  "THREAD ORDEREDSUBJECT UTF-8 SEEN",
  "THREAD REFERENCES UTF-8 SEEN",
  "UID THREAD REFERENCES UTF-8 NOT FLAGGED",
  "THREAD BOGUS UTF-8 ALL",
];

interface Side {
  client: RawImapClient;
  uids: Map<string, number[]>;
}

async function uidList(client: RawImapClient): Promise<number[]> {
  return fetchedUids((await client.ok("FETCH 1:* (UID)")).untagged);
}

/** The reply's data line of `kind`, numbers as positions; or its status for NO/BAD. */
function answer(reply: ImapReply, kind: string, uid: boolean, uids: number[]): string {
  if (reply.status !== "OK") return reply.status;
  const line = reply.untagged.map((u) => u.toString("utf8")).find((u) => u.toUpperCase().startsWith(kind));
  if (line === undefined) return `<no ${kind}>`;
  return line
    .slice(kind.length)
    .trim()
    .replace(/\d+/g, (n) => String(uid ? uids.indexOf(Number(n)) + 1 : Number(n)));
}

describe.skipIf(skipWithoutTool(available))("SORT and THREAD vs Dovecot (differential)", () => {
  let dovecot: DovecotServer;
  let sandmail: TestServer;
  const sides = {} as Record<"dovecot" | "sandmail", Side>;

  beforeAll(async () => {
    [dovecot, sandmail] = await Promise.all([startDovecot(), startServer()]);
    const fixtures = loadFixtures();
    const generated = generateMessages();
    for (const [name, client] of await loginBoth(dovecot, sandmail)) {
      await client.ok("CREATE Gen");
      await appendAll(client, "INBOX", fixtures);
      await appendAll(client, "Gen", generated);
      const uids = new Map<string, number[]>();
      for (const box of MAILBOXES) {
        await client.ok(`SELECT ${box}`);
        uids.set(box, await uidList(client));
      }
      sides[name] = { client, uids };
    }
  }, 120_000);

  afterAll(async () => {
    await sides.dovecot?.client.close();
    await sides.sandmail?.client.close();
    await dovecot?.stop();
    await sandmail?.close();
  });

  async function replay(script: string[], kind: string): Promise<string[]> {
    const diffs: string[] = [];
    for (const box of MAILBOXES) {
      for (const side of Object.values(sides)) await side.client.ok(`SELECT ${box}`);
      for (const command of script) {
        const uid = command.startsWith("UID ");
        const theirs = await sides.dovecot.client.command(command);
        const ours = await sides.sandmail.client.command(command);
        const t = answer(theirs, kind, uid, sides.dovecot.uids.get(box)!);
        const o = answer(ours, kind, uid, sides.sandmail.uids.get(box)!);
        if (t !== o) diffs.push(`${box}: ${command}\n  dovecot:  ${t}\n  sandmail: ${o}`);
      }
    }
    return diffs;
  }

  it("refuses charsets other than UTF-8 and US-ASCII with BADCHARSET (Dovecot converts them)", async () => {
    for (const command of ["SORT (ARRIVAL) ISO-8859-1 ALL", "THREAD REFERENCES ISO-8859-1 ALL"]) {
      const ours = await sides.sandmail.client.command(command);
      expect(ours.status).toBe("NO");
      expect(ours.text).toContain("[BADCHARSET (US-ASCII UTF-8)]");
      expect((await sides.dovecot.client.command(command)).status).toBe("OK");
    }
  });

  it("holds the same messages", () => {
    for (const box of MAILBOXES)
      expect(sides.sandmail.uids.get(box)!.length).toBe(sides.dovecot.uids.get(box)!.length);
    expect(sides.sandmail.uids.get("Gen")).toHaveLength(300);
  });

  it("answers every SORT as Dovecot does", async () => {
    expect(await replay(SORT_SCRIPT, "SORT")).toEqual([]);
  });

  it("answers every THREAD as Dovecot does", async () => {
    expect(await replay(THREAD_SCRIPT, "THREAD")).toEqual([]);
  });
});
