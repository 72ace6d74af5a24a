/**
 * SORT, THREAD and SEARCHRES against Dovecot: the 40-message corpus (INBOX) and 300 generated messages
 * (mailbox Gen, see generated.ts) are APPENDed to both servers, and the same commands replayed.
 * Answers compare as sequences of positions (UIDs mapped to the n-th message, since the servers
 * number independently); the order is compared exactly, ties included.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDovecot } from "../support/dovecot.js";
import type { ImapReply, RawImapClient } from "../support/imap-raw-client.js";
import { fetchedUids } from "../support/imap-response.js";
import { generateMessages } from "./generated.js";
import { type ServerPair, startCorpusPair } from "./pair.js";

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

/** SEARCHRES (RFC 5182): `$` set by SEARCH RETURN (SAVE ...) and read by the commands after it. */
const SEARCHRES_SCRIPT = [
  "SEARCH RETURN (SAVE) SEEN",
  "FETCH $ (UID)",
  "UID FETCH $ (UID)",
  "SEARCH $",
  "UID SEARCH UID $",
  "SEARCH NOT $ FLAGGED",
  "SEARCH RETURN (SAVE MIN) FLAGGED",
  "FETCH $ (UID)",
  "SEARCH RETURN (MAX SAVE MIN) UNSEEN",
  "UID SEARCH $",
  "UID SEARCH RETURN (SAVE COUNT) LARGER 1000",
  "SEARCH $",
  "SORT (REVERSE SIZE) UTF-8 $",
  "THREAD REFERENCES UTF-8 $",
  "SEARCH RETURN (SAVE ALL) OR SEEN FLAGGED",
  "STORE $ +FLAGS.SILENT ($Saved)",
  "SEARCH KEYWORD $Saved",
  "SEARCH RETURN (SAVE) SUBJECT no-such-subject",
  "FETCH $ (UID)",
  "SEARCH $",
  "SEARCH RETURN (SAVE) 1:10",
  "STORE 5 +FLAGS.SILENT (\\Deleted)",
  "EXPUNGE",
  "FETCH $ (UID)",
  "UID SEARCH $",
  "SEARCH 1,$",
];

interface Side {
  client: RawImapClient;
  uids: Map<string, number[]>;
}

async function uidList(client: RawImapClient): Promise<number[]> {
  return fetchedUids((await client.ok("FETCH 1:* (UID)")).untagged);
}

/**
 * Every SEARCH, ESEARCH (without its TAG), SORT, THREAD and FETCH line of a reply, UIDs as
 * positions; or the status for NO/BAD.
 */
function allData(reply: ImapReply, uid: boolean, uids: number[]): string {
  if (reply.status !== "OK") return reply.status;
  const pos = (n: string) => String(uids.indexOf(Number(n)) + 1);
  const out: string[] = [];
  for (const line of reply.untagged.map((u) => u.toString("utf8"))) {
    const fetch = /^(\d+) FETCH \(UID (\d+)\)$/i.exec(line);
    if (fetch) out.push(`FETCH ${fetch[1]} #${pos(fetch[2]!)}`);
    else if (/^ESEARCH /i.test(line)) out.push(line.replace(/ \(TAG "[^"]*"\)/i, ""));
    else if (/^(SEARCH|SORT|THREAD)\b/i.test(line)) out.push(line.replace(/\d+/g, (n) => (uid ? pos(n) : n)));
  }
  return out.sort().join(" | ");
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

describeWithDovecot("SORT, THREAD and SEARCHRES vs Dovecot (differential)", () => {
  let pair: ServerPair;
  const sides = {} as Record<"dovecot" | "sandmail", Side>;

  beforeAll(async () => {
    pair = await startCorpusPair(generateMessages());
    for (const name of ["dovecot", "sandmail"] as const) {
      const client = pair.clients[name];
      const uids = new Map<string, number[]>();
      for (const box of MAILBOXES) {
        await client.ok(`SELECT ${box}`);
        uids.set(box, await uidList(client));
      }
      sides[name] = { client, uids };
    }
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  async function replay(script: string[], kind?: string): Promise<string[]> {
    const diffs: string[] = [];
    for (const box of MAILBOXES) {
      for (const side of Object.values(sides)) await side.client.ok(`SELECT ${box}`);
      for (const command of script) {
        const uid = command.startsWith("UID ");
        const theirs = await sides.dovecot.client.command(command);
        const ours = await sides.sandmail.client.command(command);
        const [t, o] = (["dovecot", "sandmail"] as const).map((name) => {
          const uids = sides[name].uids.get(box)!;
          const reply = name === "dovecot" ? theirs : ours;
          return kind ? answer(reply, kind, uid, uids) : allData(reply, uid, uids);
        });
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

  // Last: its EXPUNGE changes both mailboxes.
  it("saves and reuses search results ($) as Dovecot does", async () => {
    expect(await replay(SEARCHRES_SCRIPT)).toEqual([]);
  });
});
