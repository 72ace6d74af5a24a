/**
 * LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) and the SPECIAL-USE selection option
 * (RFC 6154) against Dovecot: the same folder tree, subscriptions and the 40-message corpus
 * spread over four folders on both servers, then the same LIST commands compared.
 *
 * Normalisations (each a choice RFC 5258 leaves to the server):
 * - Rows compare as a set: LIST responses come in no required order, but a STATUS must follow
 *   its mailbox's LIST line (RFC 5819 §2), so each STATUS is compared as part of that row.
 * - Names compare by content (atom or quoted string is the writer's choice), attributes as sets.
 * - \HasChildren / \HasNoChildren are compared only when RETURN (CHILDREN) asked for them, and
 *   special-use attributes only when SPECIAL-USE was asked for: a server may send either anyway
 *   (RFC 5258 §4, RFC 6154 §2), and sandmail always does.
 * - \Marked / \Unmarked are left out: optional (RFC 3501 §7.2.2), and Dovecot sends \UnMarked
 *   or not depending on when it last looked at a Maildir.
 * - STATUS items compare as a set (each server orders them its own way).
 * - UIDVALIDITY and HIGHESTMODSEQ are numbered by each server: compared as present.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Atom, Literal, type Value } from "../../src/protocol/ast.js";
import { describeWithDovecot } from "../support/dovecot.js";
import { canonical, parseValues } from "../support/imap-response.js";
import { imapDateTime, loadFixtures } from "./fixtures.js";
import { type ServerPair, scriptDiffs, startPair } from "./pair.js";

/** Parents are created explicitly: sandmail's store creates them, Dovecot's Maildir++ does not. */
const FOLDERS = [
  "Fruit",
  "Fruit/Apple",
  "Fruit/Banana",
  "Fruit/Peach",
  "Fruit/Peach/Ripe",
  "Tofu",
  "Tofu/Silken",
];
const SUBSCRIBE = ["INBOX", "Fruit/Banana", "Fruit/Peach/Ripe", "Tofu", "Tofu/Silken"];
/** Where fixture i goes: i mod 4. */
const HOMES = ["INBOX", "Fruit/Banana", "Tofu", "Fruit/Peach/Ripe"];

const SCRIPT = [
  'LIST "" "*"',
  'LIST "" "%"',
  'LIST () "" "%"',
  'LIST () "" "*" RETURN ()',
  'LIST (SUBSCRIBED) "" "*"',
  'LIST (SUBSCRIBED) "" "%" RETURN (CHILDREN)',
  'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"',
  'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)',
  'LIST (SUBSCRIBED RECURSIVEMATCH) "" "*"',
  'LIST (SUBSCRIBED RECURSIVEMATCH) "" "Fruit/%" RETURN (STATUS (MESSAGES))',
  'LIST (SUBSCRIBED REMOTE RECURSIVEMATCH) "Fruit/" "%"',
  'LIST (SUBSCRIBED RECURSIVEMATCH) "" "Fruit"',
  'LIST (REMOTE) "" "%"',
  'LIST (subscribed) "" ("Tofu*" "Fruit/%" "INBOX" "inbox")',
  'LIST "" ("Tofu/%" "Tofu/%")',
  'LIST "Tofu" ("/%")',
  'LIST "" "%" RETURN (SUBSCRIBED)',
  'LIST "" "*" RETURN (CHILDREN)',
  'LIST "" ("Fruit" "Tofu" "INBOX") RETURN (SUBSCRIBED CHILDREN)',
  'LIST "Fruit/" "%" RETURN (SUBSCRIBED)',
  'LIST (SPECIAL-USE) "" "*"',
  'LIST (SPECIAL-USE SUBSCRIBED) "" "*"',
  'LIST (SPECIAL-USE RECURSIVEMATCH) "" "%"',
  'LIST "" "*" RETURN (SPECIAL-USE)',
  'LIST "" "*" RETURN (STATUS (MESSAGES UNSEEN UIDNEXT))',
  // STATUS=SIZE (RFC 8438, part of IMAP4rev2): the octets of every message, as FETCH RFC822.SIZE counts.
  'LIST "" "*" RETURN (STATUS (SIZE MESSAGES))',
  'LIST (SUBSCRIBED) "" "*" RETURN (STATUS (MESSAGES RECENT UIDVALIDITY HIGHESTMODSEQ UNSEEN))',
  'LIST "" "%" RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UIDNEXT))',
  'LIST "" "Fruit/Peach" RETURN (STATUS (MESSAGES) STATUS (UNSEEN))',
  'LIST "" "nosuch*" RETURN (STATUS (MESSAGES))',
  'LIST "" "Fruit/Peach" return (subscribed)',
  'LIST "" "" RETURN ()',
  'LIST () "" ""',
  'LIST "" ()',
  'LIST "" ("")',
  'LIST "" ""',
  // Each of these is BAD on both, and the connection goes on.
  'LIST (RECURSIVEMATCH) "" "%"',
  'LIST (BOGUS) "" "%"',
  'LIST "" "%" RETURN (BOGUS)',
  'LIST "" "Fruit" RETURN (STATUS ())',
  'LIST "" "Fruit" RETURN (STATUS (BOGUS))',
  'LIST "" "Fruit" RETURN (STATUS)',
  'LIST "" "Fruit/Peach" RETURN',
  'LIST "" "%" RETURN SUBSCRIBED',
];

const text = (v: Value | undefined): string =>
  v instanceof Atom
    ? v.value
    : typeof v === "string"
      ? v
      : v instanceof Literal
        ? v.bytes.toString()
        : canonical(v ?? null);

const CHILD_ATTRS = new Set(["\\haschildren", "\\hasnochildren"]);
const SPECIAL_USE = new Set(["\\sent", "\\drafts", "\\trash", "\\junk", "\\archive", "\\all", "\\flagged"]);
const MARKS = new Set(["\\marked", "\\unmarked"]);
const NUMBERED = new Set(["UIDVALIDITY", "HIGHESTMODSEQ"]);

/** The answer to one LIST command as sorted rows: `name [attrs] extended-data STATUS (...)`. */
function answer(command: string, untagged: Buffer[]): string[] {
  const upper = command.toUpperCase();
  const returns = upper.includes(" RETURN ") ? upper.slice(upper.indexOf(" RETURN ")) : "";
  const children = returns.includes("CHILDREN");
  const specialUse = upper.includes("SPECIAL-USE");
  const rows: string[] = [];
  for (const line of untagged) {
    const values = parseValues(line);
    const kind = text(values[0]).toUpperCase();
    if (kind === "LIST") {
      const attrs = (values[1] as Value[])
        .map((a) => text(a))
        .filter((a) => children || !CHILD_ATTRS.has(a.toLowerCase()))
        .filter((a) => specialUse || !SPECIAL_USE.has(a.toLowerCase()))
        .filter((a) => !MARKS.has(a.toLowerCase()))
        .sort();
      const extra = values.slice(4).map((v) => canonical(v).replace(/"CHILDINFO"/, "CHILDINFO"));
      rows.push(`${text(values[3])} [${attrs.join(" ")}]${extra.length ? ` ${extra.join(" ")}` : ""}`);
    } else if (kind === "STATUS") {
      const items = values[2] as Value[];
      const shown: string[] = [];
      for (let i = 0; i + 1 < items.length; i += 2) {
        const name = text(items[i]).toUpperCase();
        shown.push(`${name} ${NUMBERED.has(name) ? "n" : canonical(items[i + 1]!)}`);
      }
      const last = rows.length - 1;
      if (last < 0 || !rows[last]!.startsWith(`${text(values[1])} [`)) {
        rows.push(`STATUS ${text(values[1])} not after its LIST line`);
      } else {
        rows[last] += ` STATUS (${shown.sort().join(" ")})`;
      }
    } else {
      rows.push(`unexpected: ${line.toString("latin1").slice(0, 120)}`);
    }
  }
  return rows.sort();
}

describeWithDovecot("LIST-EXTENDED and LIST-STATUS vs Dovecot", () => {
  let pair: ServerPair;

  beforeAll(async () => {
    const fixtures = loadFixtures();
    pair = await startPair(async (client) => {
      for (const folder of FOLDERS) await client.ok(`CREATE "${folder}"`);
      for (const folder of SUBSCRIBE) await client.ok(`SUBSCRIBE "${folder}"`);
      for (const [i, f] of fixtures.entries()) {
        const home = HOMES[i % HOMES.length]!;
        await client.ok(`APPEND "${home}" (${f.flags.join(" ")}) "${imapDateTime(f.internalDate)}" `, f.raw);
      }
    });
  });

  afterAll(async () => {
    await pair?.close();
  });

  it("answers every LIST of the script as Dovecot does", async () => {
    const diffs = await scriptDiffs(pair, SCRIPT, (command, reply) =>
      reply.status === "OK" ? answer(command, reply.untagged) : [reply.status],
    );
    expect(diffs).toEqual([]);
  });

  it("answers LIST-STATUS for the selected mailbox as STATUS would, and keeps the connection after BAD", async () => {
    const { clients } = pair;
    for (const client of [clients.dovecot, clients.sandmail]) {
      await client.ok('SELECT "Tofu"');
      expect((await client.command('LIST "" "%" RETURN (STATUS (MESSAGES) BOGUS)')).status).toBe("BAD");
    }
    const command = 'LIST "" "Tofu" RETURN (STATUS (MESSAGES UNSEEN UIDNEXT))';
    const theirs = await clients.dovecot.ok(command);
    const ours = await clients.sandmail.ok(command);
    expect(answer(command, ours.untagged)).toEqual(answer(command, theirs.untagged));
    expect(answer(command, ours.untagged)).toEqual(["Tofu [] STATUS (MESSAGES 10 UIDNEXT 11 UNSEEN 7)"]);
  });
});
