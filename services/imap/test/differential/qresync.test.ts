/**
 * QRESYNC (RFC 7162 §3.2) against Dovecot: the 40-message corpus (INBOX) and 300 generated
 * messages (Gen) on both servers, then one script of expunges (this session's, another
 * session's, MOVE), UID FETCH (CHANGEDSINCE n VANISHED) and SELECT/EXAMINE (QRESYNC (...)).
 *
 * Normalisations:
 * - Mod-sequences are each server's own (Dovecot counts per mailbox, sandmail per run): the
 *   script names them (`MARK a` takes the mailbox's HIGHESTMODSEQ on each side, `{a}` puts it
 *   back), and MODSEQ / HIGHESTMODSEQ values in answers compare as present. UIDVALIDITY the same.
 * - FETCH items compare as a map, flags as a set. A FETCH with a UID item compares by UID
 *   without its sequence number, and a reply's untagged lines as a sorted list: the two servers
 *   order unsolicited flag changes and VANISHED differently (Dovecot flags first, sandmail
 *   VANISHED first), which renumbers the FETCHes that follow; RFC 7162 leaves the order open.
 * - Compared lines: VANISHED, FETCH, EXISTS, EXPUNGE, ENABLED and `OK [CLOSED]`; the tagged
 *   status, not its text. Other untagged OKs (COPYUID, UIDNEXT...) are other tests' business.
 * - Both servers number UIDs 1, 2, ... in APPEND order, so UIDs compare as they are.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Atom } from "../../src/protocol/ast.js";
import { describeWithDovecot } from "../support/dovecot.js";
import { type ImapReply, RawImapClient } from "../support/imap-raw-client.js";
import { canonical, fetchItems, parseValues } from "../support/imap-response.js";
import { appendAll, loadFixtures } from "./fixtures.js";
import { generateMessages } from "./generated.js";
import { type ServerPair, type Side, startPair } from "./pair.js";

/**
 * `MARK x` records the selected mailbox's HIGHESTMODSEQ as `{x}`; `other: ...` runs on a second
 * session of the same account (its changes reach the first one live); `{V:box}` is UIDVALIDITY.
 */
const SCRIPT = [
  "ENABLE QRESYNC",
  "other: SELECT INBOX",
  "SELECT INBOX",
  "MARK a",
  "UID STORE 1:10 +FLAGS (\\Deleted)",
  "UID EXPUNGE 2:4",
  "MARK b",
  "UID STORE 12 +FLAGS (\\Flagged)",
  "EXPUNGE",
  "MARK c",
  "other: UID STORE 20:22,30 +FLAGS (\\Deleted)",
  "other: UID EXPUNGE 20:22",
  "NOOP",
  "other: UID STORE 31 +FLAGS (\\Seen)",
  "other: UID MOVE 33:34 Trash",
  "NOOP",
  "UID FETCH 1:* (FLAGS)",
  "MARK d",
  "UID FETCH 1:* (FLAGS) (CHANGEDSINCE {a} VANISHED)",
  "UID FETCH 1:* (FLAGS) (CHANGEDSINCE {b} VANISHED)",
  "UID FETCH 1:15 (FLAGS) (CHANGEDSINCE {c} VANISHED)",
  "UID FETCH 5:* (FLAGS) (CHANGEDSINCE {a} VANISHED)",
  "UID FETCH 3,21,25:26 (UID FLAGS) (VANISHED CHANGEDSINCE {a})",
  "UID FETCH 100:200 (FLAGS) (CHANGEDSINCE {a} VANISHED)",
  "UID FETCH 1:* (FLAGS) (CHANGEDSINCE {d} VANISHED)",
  "FETCH 1:* (FLAGS) (CHANGEDSINCE {a} VANISHED)",
  "UID FETCH 1:* (FLAGS) (VANISHED)",
  "SELECT INBOX (QRESYNC ({V:INBOX} {a}))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {b}))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {c} 1:30))",
  "EXAMINE INBOX (QRESYNC ({V:INBOX} {a} 1:3,9:12,21 (1:2 1,11)))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {d}))",
  "SELECT INBOX (QRESYNC (1 {a}))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {a} 4:1))",
  "SELECT INBOX (CONDSTORE QRESYNC ({V:INBOX} {b} 1:40))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {a}) QRESYNC ({V:INBOX} {a}))",
  // Refused as BAD: checked while nothing is selected (Dovecot closes the mailbox first, sandmail
  // leaves the selection as it was on a syntax error).
  "UNSELECT",
  "SELECT INBOX (QRESYNC ({V:INBOX}))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {a} 1:*))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {a} 1:5 (1:2 1:3)))",
  "SELECT nosuch (QRESYNC (1 1))",
  // The generated mailbox: bulk expunges and a MOVE out of it.
  "SELECT Gen",
  "MARK g",
  "UID STORE 1:150 +FLAGS.SILENT (\\Deleted)",
  "UID EXPUNGE 1:50,100:120",
  "MARK h",
  "UID STORE 200:300 +FLAGS.SILENT (\\Seen)",
  "UID MOVE 200:210,250 Trash",
  "other: SELECT Gen",
  "other: EXPUNGE",
  "NOOP",
  "UID FETCH 1:* (FLAGS) (CHANGEDSINCE {h} VANISHED)",
  "UID FETCH 40:60,115:130 (UID) (CHANGEDSINCE {g} VANISHED)",
  "SELECT Gen (QRESYNC ({V:Gen} {g}))",
  "EXAMINE Gen (QRESYNC ({V:Gen} {h} 1:120,200:260))",
  "SELECT INBOX (QRESYNC ({V:INBOX} {a}))",
];

/** The answer as compared: the lines named in the header, normalised, then the tagged status. */
function normalise(reply: ImapReply): string[] {
  const out: string[] = [];
  for (const raw of reply.untagged) {
    const line = raw.toString("utf8");
    if (/^OK \[CLOSED\]/i.test(line)) out.push("OK [CLOSED]");
    else if (/^(VANISHED|ENABLED)\b/i.test(line) || /^\d+ (EXISTS|EXPUNGE)$/i.test(line))
      out.push(line.toUpperCase());
    else if (/^\d+ FETCH /i.test(line)) out.push(fetchLine(line));
  }
  out.sort();
  out.push(reply.status);
  return out;
}

function fetchLine(line: string): string {
  const values = parseValues(Buffer.from(line));
  const items = fetchItems(values[2]!);
  const parts = [...items.keys()].sort().map((key) => {
    const value = items.get(key)!;
    if (key === "MODSEQ") return "MODSEQ";
    if (key === "FLAGS" && Array.isArray(value)) {
      const flags = value.map((f) => (f instanceof Atom ? f.value : canonical(f))).sort();
      return `FLAGS (${flags.join(" ")})`;
    }
    return `${key} ${canonical(value)}`;
  });
  return items.has("UID") ? `FETCH (${parts.join(" ")})` : `${values[0]} FETCH (${parts.join(" ")})`;
}

describeWithDovecot("QRESYNC vs Dovecot (differential)", () => {
  let pair: ServerPair;
  const others = {} as Record<Side, RawImapClient>;
  const names = { dovecot: new Map<string, string>(), sandmail: new Map<string, string>() };

  beforeAll(async () => {
    const fixtures = loadFixtures();
    const generated = generateMessages();
    pair = await startPair(async (client) => {
      await client.ok("CREATE Gen");
      await appendAll(client, "INBOX", fixtures);
      await appendAll(client, "Gen", generated);
    });
    const logins: Array<[Side, number, string, string]> = [
      ["dovecot", pair.dovecot.port, pair.dovecot.user, pair.dovecot.password],
      ["sandmail", pair.sandmail.port, pair.sandmail.address, pair.sandmail.token],
    ];
    for (const [side, port, user, password] of logins) {
      others[side] = await RawImapClient.connect("127.0.0.1", port);
      await others[side].ok(`LOGIN "${user}" "${password}"`);
      for (const box of ["INBOX", "Gen"]) {
        const status = await others[side].ok(`STATUS ${box} (UIDVALIDITY)`);
        const validity = /UIDVALIDITY (\d+)/i.exec(status.untagged.map(String).join(" "))?.[1];
        names[side].set(`V:${box}`, validity!);
      }
    }
  }, 180_000);

  afterAll(async () => {
    for (const client of Object.values(others)) await client?.close();
    await pair?.close();
  });

  it("answers the script as Dovecot does", async () => {
    const diffs: string[] = [];
    const selected: Record<Side, string> = { dovecot: "", sandmail: "" };
    for (const step of SCRIPT) {
      const answers = {} as Record<Side, string[]>;
      for (const side of ["dovecot", "sandmail"] as const) {
        const mark = /^MARK (\w+)$/.exec(step);
        if (mark) {
          const status = await pair.clients[side].ok(`STATUS ${selected[side]} (HIGHESTMODSEQ)`);
          const modSeq = /HIGHESTMODSEQ (\d+)/i.exec(status.untagged.map(String).join(" "))?.[1];
          names[side].set(mark[1]!, modSeq!);
          answers[side] = [];
          continue;
        }
        const other = step.startsWith("other: ");
        const command = (other ? step.slice(7) : step).replace(/\{([\w:]+)\}/g, (_, n: string) => {
          const value = names[side].get(n);
          if (value === undefined) throw new Error(`no value for {${n}}`);
          return value;
        });
        const reply = await (other ? others[side] : pair.clients[side]).command(command);
        const select = /^(?:SELECT|EXAMINE) (\S+)/i.exec(command);
        if (!other && select && reply.status === "OK") selected[side] = select[1]!;
        answers[side] = other ? [reply.status] : normalise(reply);
      }
      if (JSON.stringify(answers.dovecot) !== JSON.stringify(answers.sandmail)) {
        const pad = "\n            ";
        diffs.push(
          `${step}\n  dovecot:  ${answers.dovecot.join(pad)}\n  sandmail: ${answers.sandmail.join(pad)}`,
        );
      }
    }
    expect(diffs).toEqual([]);
  }, 120_000);
});
