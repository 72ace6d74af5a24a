/**
 * End-to-end differential test: the same fixtures are APPENDed over IMAP to Dovecot and to
 * sandmail's IMAP service, then the same command scripts are replayed against both servers over
 * sockets and their FETCH and SEARCH answers compared.
 *
 * Normalisations (each a legitimate difference between two correct servers):
 * - Strings compare by content: quoted string vs literal is each writer's choice.
 * - UIDs are compared by position (the n-th UID of each mailbox), since the two servers number
 *   independently; SEARCH results likewise, as sorted positions.
 * - FLAGS are compared as sorted sets without \Recent: which session sees a message as recent
 *   depends on the connections each server has seen, not on the message.
 * - INTERNALDATE is compared as an instant (the zone a server prints it in is its choice).
 * - sandmail may add FLAGS to a FETCH that implicitly sets \Seen on a message that had it
 *   already, and answers STORE with FETCH FLAGS for every message named, changed or not;
 *   Dovecot leaves unchanged flags out. Both are allowed (RFC 3501 §6.4.6, §7.4.2), so a
 *   FLAGS-only answer that Dovecot did not send is accepted.
 * - Only FETCH and SEARCH responses are compared; other untagged data (EXISTS, response codes,
 *   texts) differs in wording between servers and is checked by the protocol tests.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Atom, type Value } from "../../src/protocol/ast.js";
import { describeWithDovecot } from "../support/dovecot.js";
import type { RawImapClient } from "../support/imap-raw-client.js";
import { canonical, fetchedUids, fetchItems, parseValues } from "../support/imap-response.js";
import { appendAll, loadFixtures } from "./fixtures.js";
import { type ServerPair, startPair } from "./pair.js";

interface Side {
  client: RawImapClient;
  /** UIDs in mailbox order: position = sequence number - 1. */
  uids: number[];
}

function normaliseItem(name: string, value: Value, side: Side): string {
  if (name === "UID") return `#${side.uids.indexOf(value as number) + 1}`;
  if (name === "FLAGS" && Array.isArray(value)) {
    return value
      .map((f) => (f instanceof Atom ? f.value : canonical(f)))
      .filter((f) => f.toLowerCase() !== "\\recent")
      .sort()
      .join(" ");
  }
  if (name === "INTERNALDATE") {
    const text = typeof value === "string" ? value : canonical(value);
    const m = /^(\d+)-(\w{3})-(\d{4}) (\d\d:\d\d:\d\d) ([+-]\d{4})$/.exec(text.trim());
    return m ? new Date(`${m[2]} ${m[1]} ${m[3]} ${m[4]} ${m[5]}`).toISOString() : text;
  }
  return canonical(value);
}

/** The FETCH responses of a reply as `seq -> item -> normalised value`. */
function fetches(untagged: Buffer[], side: Side): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const line of untagged) {
    const values = parseValues(line);
    if (!(values[1] instanceof Atom) || values[1].value.toUpperCase() !== "FETCH") continue;
    const seq = values[0] as number;
    const items = out.get(seq) ?? new Map<string, string>();
    for (const [name, value] of fetchItems(values[2]!)) items.set(name, normaliseItem(name, value, side));
    out.set(seq, items);
  }
  return out;
}

/** SEARCH results as sorted sequence positions (UID SEARCH results mapped through the UID list). */
function searchResult(untagged: Buffer[], side: Side, uid: boolean): string {
  const line = untagged.find((u) => /^SEARCH\b/i.test(u.toString("latin1")));
  if (!line) return "<no SEARCH response>";
  const numbers = parseValues(line).slice(1) as number[];
  return numbers
    .map((n) => (uid ? side.uids.indexOf(n) + 1 : n))
    .sort((a, b) => a - b)
    .join(",");
}

const FETCH_SCRIPT = [
  "FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)",
  "FETCH 1:* (BODYSTRUCTURE BODY)",
  "UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])",
  "FETCH 1:* (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT])",
  "FETCH 1:* (BODY.PEEK[]<0.100> BODY.PEEK[TEXT]<10.20> BODY.PEEK[1]<3.2000>)",
  "FETCH 1:* (RFC822.HEADER)",
  "FETCH 2:4 (RFC822.TEXT)",
  "FETCH 5 (BODY[2])",
  "FETCH 6 (RFC822)",
  "FETCH 1:* (FLAGS)",
  "UID FETCH 3:* (UID RFC822.SIZE)",
  "FETCH 7:9 (BODY.PEEK[HEADER.FIELDS.NOT (DATE RECEIVED)] BODY.PEEK[2.1])",
  "STORE 1:3 +FLAGS (\\Flagged)",
  "STORE 2 -FLAGS.SILENT (\\Seen)",
  "STORE 5:6 FLAGS ($Label2 \\Seen)",
  "STORE 7 -FLAGS ($Label1 \\Draft)",
  "FETCH 1:8 (FLAGS)",
];

const SEARCH_SCRIPT = [
  "SEARCH ALL",
  "SEARCH SEEN",
  "UID SEARCH UNSEEN",
  "SEARCH FLAGGED NOT DELETED",
  "UID SEARCH KEYWORD $Label1",
  "SEARCH SUBJECT hello",
  "UID SEARCH FROM example.com",
  "SEARCH TO bob",
  "UID SEARCH BODY quokka",
  "SEARCH TEXT 123456",
  "UID SEARCH HEADER Message-ID example",
  "SEARCH LARGER 2000",
  "UID SEARCH SINCE 10-Feb-2024",
  "SEARCH SENTBEFORE 1-Jan-2024",
  "UID SEARCH OR SEEN FLAGGED",
  "SEARCH 2,4:6,30:*",
  "UID SEARCH UID 3:*",
  "SEARCH CHARSET UTF-8 BODY {7+}\r\nBlåbær",
  "SEARCH KEYWORD $Label2",
  "UID SEARCH NOT FLAGGED SEEN",
];

const ESEARCH_SCRIPT = [
  "SEARCH RETURN (MIN MAX COUNT ALL) ALL",
  "SEARCH RETURN () SEEN",
  "UID SEARCH RETURN (ALL) UNSEEN",
  "UID SEARCH RETURN (MIN MAX) FLAGGED NOT DELETED",
  "SEARCH RETURN (COUNT) KEYWORD $Label1",
  "UID SEARCH RETURN (COUNT ALL) FROM example.com",
  "SEARCH RETURN (MIN MAX COUNT ALL) SUBJECT no-such-subject",
  "UID SEARCH RETURN (MAX) LARGER 2000",
  "SEARCH RETURN (MIN COUNT) OR SEEN FLAGGED",
  "UID SEARCH RETURN (ALL) UID 3:*",
  "SEARCH RETURN (ALL) 2,4:6,30:*",
  "SEARCH RETURN (BOGUS) ALL",
  "SEARCH RETURN ALL",
];

/**
 * An ESEARCH answer as `NAME=value` items in a fixed order: UID results mapped to positions
 * (MIN, MAX, ALL), ALL expanded; the TAG must name the command's own tag.
 */
function esearchResult(untagged: Buffer[], side: Side, uid: boolean, tag: string): string {
  const line = untagged.find((u) => /^ESEARCH\b/i.test(u.toString("latin1")));
  if (!line) return "<no ESEARCH response>";
  const values = parseValues(line).slice(1);
  const items: string[] = [];
  const position = (n: number) => (uid ? side.uids.indexOf(n) + 1 : n);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Array.isArray(v)) {
      items.push(`TAG=${canonical(v[1]!) === tag ? "own" : canonical(v[1]!)}`);
      continue;
    }
    const name = v instanceof Atom ? v.value.toUpperCase() : canonical(v);
    if (name === "UID") {
      items.push("UID");
      continue;
    }
    const value = values[++i]!;
    if (name === "ALL") {
      const set = value instanceof Atom ? value.value : canonical(value);
      const all = set.split(",").flatMap((part) => {
        const [a, b] = part.split(":").map(Number) as [number, number?];
        const out: number[] = [];
        for (let n = a; n <= (b ?? a); n++) out.push(position(n));
        return out;
      });
      items.push(`ALL=${all.sort((x, y) => x - y).join(",")}`);
    } else if (name === "MIN" || name === "MAX") {
      items.push(`${name}=${position(value as number)}`);
    } else {
      items.push(`${name}=${canonical(value)}`);
    }
  }
  return items.sort().join(" ");
}

describeWithDovecot("sandmail IMAP vs Dovecot (end-to-end differential)", () => {
  let pair: ServerPair;
  const sides: Record<"dovecot" | "sandmail", Side> = {} as Record<"dovecot" | "sandmail", Side>;
  const fixtures = loadFixtures();

  async function uidList(client: RawImapClient): Promise<number[]> {
    return fetchedUids((await client.ok("FETCH 1:* (UID)")).untagged);
  }

  beforeAll(async () => {
    pair = await startPair(async (client) => {
      await appendAll(client, "INBOX", fixtures);
      await client.ok("SELECT INBOX");
    });
    for (const name of ["dovecot", "sandmail"] as const) {
      const client = pair.clients[name];
      sides[name] = { client, uids: await uidList(client) };
    }
  });

  afterAll(async () => {
    await pair?.close();
  });

  it("holds the same messages in the same order", () => {
    expect(sides.sandmail.uids).toHaveLength(fixtures.length);
    expect(sides.dovecot.uids).toHaveLength(fixtures.length);
  });

  it("answers every FETCH of the script as Dovecot does", async () => {
    const diffs: string[] = [];
    for (const command of FETCH_SCRIPT) {
      const theirs = await sides.dovecot.client.command(command);
      const ours = await sides.sandmail.client.command(command);
      if (theirs.status !== ours.status) {
        diffs.push(`${command}: dovecot ${theirs.text} / sandmail ${ours.text}`);
        continue;
      }
      const t = fetches(theirs.untagged, sides.dovecot);
      const o = fetches(ours.untagged, sides.sandmail);
      for (const [seq, items] of t) {
        const mine = o.get(seq);
        for (const [name, value] of items) {
          const got = mine?.get(name) ?? "<missing>";
          if (got !== value) {
            diffs.push(
              `${command} #${seq} ${fixtures[seq - 1]?.name} ${name}\n  dovecot:  ${value}\n  sandmail: ${got}`,
            );
          }
        }
        for (const name of mine?.keys() ?? []) {
          if (!items.has(name) && name !== "FLAGS")
            diffs.push(`${command} #${seq} ${name}: only sandmail sent it`);
        }
      }
      for (const [seq, items] of o) {
        const flagsOnly = [...items.keys()].every((name) => name === "FLAGS" || name === "UID");
        if (!t.has(seq) && !flagsOnly) diffs.push(`${command} #${seq}: only sandmail answered`);
      }
    }
    expect(diffs).toEqual([]);
  });

  it("answers every ESEARCH (SEARCH RETURN) of the script as Dovecot does", async () => {
    const diffs: string[] = [];
    for (const command of ESEARCH_SCRIPT) {
      const uid = command.startsWith("UID ");
      const theirs = await sides.dovecot.client.command(command);
      const ours = await sides.sandmail.client.command(command);
      const t =
        theirs.status === "OK"
          ? esearchResult(theirs.untagged, sides.dovecot, uid, theirs.tag)
          : theirs.status;
      const o =
        ours.status === "OK" ? esearchResult(ours.untagged, sides.sandmail, uid, ours.tag) : ours.status;
      if (t !== o) diffs.push(`${command}\n  dovecot:  ${t}\n  sandmail: ${o}`);
    }
    expect(diffs).toEqual([]);
  });

  it("answers every SEARCH of the script as Dovecot does", async () => {
    const diffs: string[] = [];
    for (const command of SEARCH_SCRIPT) {
      const uid = command.startsWith("UID ");
      const parts = command.split("\r\n");
      const args: Array<string | Buffer> =
        parts.length === 2 ? [parts[0]!.replace(/\{\d+\+\}$/, ""), Buffer.from(parts[1]!)] : [command];
      const theirs = await sides.dovecot.client.command(...args);
      const ours = await sides.sandmail.client.command(...args);
      const t = theirs.status === "OK" ? searchResult(theirs.untagged, sides.dovecot, uid) : theirs.text;
      const o = ours.status === "OK" ? searchResult(ours.untagged, sides.sandmail, uid) : ours.text;
      if (t !== o) diffs.push(`${command}\n  dovecot:  ${t}\n  sandmail: ${o}`);
    }
    expect(diffs).toEqual([]);
  });
});
