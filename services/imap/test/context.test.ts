/**
 * ESORT and CONTEXT=SEARCH / CONTEXT=SORT (RFC 5267) over raw sockets: results in sort order,
 * PARTIAL windows, and live results (UPDATE) kept current while another session, a delivery or
 * this session's own STORE changes the mailbox, with REMOVEFROM before EXPUNGE and ADDTO after
 * EXISTS. Expectations are written from the RFC's text and examples; the answers Dovecot also
 * gives are compared with it in differential/context.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawClient } from "./support/raw-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
const open: RawClient[] = [];
let boxes = 0;

async function loggedIn(): Promise<RawClient> {
  const c = await RawClient.open(server.port);
  open.push(c);
  expect(await c.command(`LOGIN ${server.address} ${server.token}`)).toMatch(/OK/);
  return c;
}

/** A fresh mailbox with messages whose subjects sort in the order given by `subjects`. */
async function mailbox(subjects: string[]): Promise<string> {
  const name = `Ctx${++boxes}`;
  await server.store.createMailbox(server.runId, server.address, name);
  await seed(
    server,
    subjects.map((subject, i) => message(i + 1, { subject })),
    { mailbox: name },
  );
  return name;
}

async function uids(c: RawClient): Promise<number[]> {
  const reply = await c.command("FETCH 1:* (UID)");
  return [...reply.matchAll(/\* \d+ FETCH \(UID (\d+)\)/g)].map((m) => Number(m[1]));
}

/** Sends `command` tagged `tag`; expects `* ESEARCH (TAG "tag") <data>` among the replies. */
async function expectEsearch(c: RawClient, tag: string, command: string, data: string): Promise<void> {
  const reply = await c.command(command, tag);
  expect(reply, command).toContain(`* ESEARCH (TAG "${tag}")${data ? ` ${data}` : ""}\r\n`);
}

/** The untagged ESEARCH lines of a reply, in order. */
function esearch(reply: string): string[] {
  return reply.split("\r\n").filter((l) => l.startsWith("* ESEARCH"));
}

/** A sequence-set in the order written (ascending within a range). */
function expand(set: string): number[] {
  return set.split(",").flatMap((part) => {
    const [a, b = a] = part.split(":").map(Number) as [number, number?];
    const lo = Math.min(a, b);
    return Array.from({ length: Math.abs(b - a) + 1 }, (_, i) => lo + i);
  });
}

/** A client's copy of a sorted result after one ESEARCH of ADDTO / REMOVEFROM pairs. */
function applyUpdate(list: number[], line: string): number[] {
  const out = list.slice();
  for (const m of line.matchAll(/(ADDTO|REMOVEFROM) \(([^)]*)\)/g)) {
    const words = m[2]!.split(" ");
    for (let i = 0; i < words.length; i += 2) {
      const at = Number(words[i]) - 1;
      const items = expand(words[i + 1]!);
      if (m[1] === "ADDTO") out.splice(at, 0, ...items);
      else expect(out.splice(at, items.length)).toEqual(items);
    }
  }
  return out;
}

function lineIndex(reply: string, pattern: RegExp): number {
  return reply.split("\r\n").findIndex((l) => pattern.test(l));
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of open) c.close();
  await server.close();
});

describe("ESORT", () => {
  it("answers SORT RETURN in sort order, MIN and MAX the first and last sorted (RFC 5267 §3.1)", async () => {
    const box = await mailbox(["d", "b", "e", "a", "c"]);
    const c = await loggedIn();
    await c.command(`SELECT ${box}`);
    const u = await uids(c);
    await expectEsearch(
      c,
      "E1",
      "SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL",
      "MIN 4 MAX 3 ALL 4,2,5,1,3 COUNT 5",
    );
    // RETURN () is ALL, here in UIDs; a descending run is never written as a range (§3.2).
    await expectEsearch(
      c,
      "E2",
      "UID SORT RETURN () (REVERSE SUBJECT) UTF-8 ALL",
      `UID ALL ${[u[2], u[0], u[4], u[1], u[3]].join(",")}`,
    );
    // An ascending run is (ARRIVAL follows the mailbox order here).
    await expectEsearch(c, "E3", "SORT RETURN (ALL) (ARRIVAL) UTF-8 NOT SUBJECT a", "ALL 1:3,5");
    await expectEsearch(c, "E4", "SORT RETURN (COUNT MIN) (SUBJECT) UTF-8 SUBJECT zzz", "COUNT 0");
    // The RFC 5256 answer when RETURN is absent.
    expect(await c.command("SORT (SUBJECT) UTF-8 ALL")).toContain("* SORT 4 2 5 1 3\r\n");
    // SAVE keeps the first sorted message for MIN (SEARCHRES with ESORT).
    await expectEsearch(c, "E5", "SORT RETURN (SAVE MIN) (SUBJECT) UTF-8 ALL", "MIN 4");
    expect(await c.command("SEARCH $")).toContain("* SEARCH 4\r\n");
  });
});

describe("PARTIAL", () => {
  it("returns the window of the result list, in the command's order (RFC 5267 §4.4)", async () => {
    const box = await mailbox(["d", "b", "e", "a", "c"]);
    const c = await loggedIn();
    await c.command(`SELECT ${box}`);
    await expectEsearch(c, "P1", "SORT RETURN (PARTIAL 2:4) (SUBJECT) UTF-8 ALL", "PARTIAL (2:4 2,5,1)");
    await expectEsearch(c, "P2", "SEARCH RETURN (PARTIAL 4:2 COUNT) ALL", "PARTIAL (2:4 2:4) COUNT 5");
    // Spanning the end: what there is; beyond it: NIL.
    await expectEsearch(c, "P3", "SEARCH RETURN (PARTIAL 4:500) ALL", "PARTIAL (4:500 4:5)");
    await expectEsearch(c, "P4", "SEARCH RETURN (PARTIAL 6:10) ALL", "PARTIAL (6:10 NIL)");
    // CONTEXT is a hint only (§4.2).
    await expectEsearch(c, "P5", "SEARCH RETURN (CONTEXT COUNT) ALL", "COUNT 5");
    for (const bad of [
      "SEARCH RETURN (PARTIAL 0:3) ALL",
      "SEARCH RETURN (PARTIAL 1:*) ALL",
      "SEARCH RETURN (PARTIAL) ALL",
      "SEARCH RETURN (PARTIAL 1:2 ALL) ALL",
      "SORT RETURN (PARTIAL 1:2 PARTIAL 3:4) (SUBJECT) UTF-8 ALL",
      "SEARCH RETURN (PARTIAL 1:99999999999) ALL",
    ]) {
      expect(await c.command(bad), bad).toMatch(/^t\d+ BAD /m);
    }
    expect(await c.command("NOOP")).toMatch(/OK NOOP/);
  });
});

describe("UPDATE", () => {
  it("follows another session's STORE, EXPUNGE and a delivery, in UIDs, numbers and sort positions", async () => {
    const box = await mailbox(["d", "b", "e", "a", "c"]);
    const a = await loggedIn();
    const b = await loggedIn();
    await a.command(`SELECT ${box}`);
    await b.command(`SELECT ${box}`);
    const u = await uids(a);
    await expectEsearch(a, "U1", "UID SEARCH RETURN (UPDATE) UNSEEN", "UID");
    await expectEsearch(a, "U2", "SEARCH RETURN (UPDATE COUNT) SEEN", "COUNT 0");
    // Sorted: d b e a c -> a b c d e = 4 2 5 1 3.
    await expectEsearch(a, "U3", "SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 UNDELETED", "ALL 4,2,5,1,3");

    await b.command("STORE 2 +FLAGS (\\Seen)");
    expect(esearch(await a.command("NOOP"))).toEqual([
      `* ESEARCH (TAG "U1") UID REMOVEFROM (0 ${u[1]})`,
      '* ESEARCH (TAG "U2") ADDTO (0 2)',
    ]);

    // Message 4 ("a", sorted first) goes: REMOVEFROM (numbered as before) precedes its EXPUNGE.
    await b.command("STORE 4 +FLAGS (\\Deleted)");
    await b.command("EXPUNGE");
    const expunged = await a.command("NOOP");
    expect(esearch(expunged)).toEqual([
      `* ESEARCH (TAG "U1") UID REMOVEFROM (0 ${u[3]})`,
      // "a" was first in sort order; number 4 until the EXPUNGE below.
      '* ESEARCH (TAG "U3") REMOVEFROM (1 4)',
    ]);
    const removed = lineIndex(expunged, /^\* ESEARCH \(TAG "U3"\) REMOVEFROM/);
    expect(removed).toBeGreaterThanOrEqual(0);
    expect(removed).toBeLessThan(lineIndex(expunged, /^\* 4 EXPUNGE/));

    // A delivery: subject "bb" sorts between b and c; ADDTO follows the EXISTS that numbers it.
    await seed(server, [message(9, { subject: "bb" })], { mailbox: box });
    const delivered = await a.command("NOOP");
    const top = Math.max(...u) + 1;
    expect(esearch(delivered)).toEqual([
      `* ESEARCH (TAG "U1") UID ADDTO (0 ${top})`,
      '* ESEARCH (TAG "U3") ADDTO (2 5)',
    ]);
    expect(lineIndex(delivered, /^\* 5 EXISTS/)).toBeLessThan(lineIndex(delivered, /ADDTO \(2 5\)/));
    expect(lineIndex(delivered, /^\* 5 EXISTS/)).toBeGreaterThanOrEqual(0);
    // The client's copy of U3 (b bb c d e) is the fresh answer.
    await expectEsearch(a, "C1", "SORT RETURN (ALL) (SUBJECT) UTF-8 UNDELETED", "ALL 2,5,4,1,3");
  });

  it("reports the session's own STORE with the STORE reply, sorted positions counted as the client applies them", async () => {
    const box = await mailbox(["d", "b", "e", "a", "c"]);
    const c = await loggedIn();
    await c.command(`SELECT ${box}`);
    await c.command("UID SORT RETURN (UPDATE) (SUBJECT) UTF-8 UNSEEN", "S1");
    const u = await uids(c);
    // a (pos 1) and d (pos 4) leave: after the first removal d is at position 3.
    const stored = await c.command("STORE 1,4 +FLAGS (\\Seen)");
    expect(esearch(stored)).toEqual([`* ESEARCH (TAG "S1") UID REMOVEFROM (1 ${u[3]} 3 ${u[0]})`]);
    expect(lineIndex(stored, /^\* 4 FETCH/)).toBeLessThan(lineIndex(stored, /REMOVEFROM/));
    const back = await c.command("STORE 4 -FLAGS (\\Seen)");
    expect(esearch(back)).toEqual([`* ESEARCH (TAG "S1") UID ADDTO (1 ${u[3]})`]);
    // Nothing changed for the context: no ESEARCH.
    expect(esearch(await c.command("STORE 2 +FLAGS (\\Flagged)"))).toEqual([]);
  });

  it("keeps sequence numbers and $ as they were when the command came (RFC 5267 §4.3)", async () => {
    const box = await mailbox(["a", "b", "c", "d"]);
    const a = await loggedIn();
    const b = await loggedIn();
    await a.command(`SELECT ${box}`);
    await b.command(`SELECT ${box}`);
    await a.command("SEARCH RETURN (SAVE) 3:4");
    await a.command("SEARCH RETURN (UPDATE) 1:2 UNSEEN", "F1");
    await a.command("UID SEARCH RETURN (UPDATE) $ UNFLAGGED", "F2");
    await b.command("STORE 1 +FLAGS (\\Deleted)");
    await b.command("EXPUNGE");
    // Old message 3 is now number 2, yet neither context counts it among its messages.
    expect(esearch(await a.command("NOOP"))).toEqual(['* ESEARCH (TAG "F1") REMOVEFROM (0 1)']);
    await b.command("STORE 1,2 +FLAGS (\\Flagged)");
    const flagged = await a.command("NOOP");
    expect(esearch(flagged)).toEqual([`* ESEARCH (TAG "F2") UID REMOVEFROM (0 3)`]);
  });

  it("is refused for a tag in use (BAD), ends with CANCELUPDATE or a new SELECT, and has a limit (NOUPDATE)", async () => {
    const box = await mailbox(["a", "b"]);
    const c = await loggedIn();
    await c.command(`SELECT ${box}`);
    await c.command("UID SEARCH RETURN (UPDATE) SEEN", "R1");
    expect(await c.command("SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL", "R1")).toMatch(/^R1 BAD /m);
    expect(await c.command('CANCELUPDATE "R1" "nosuch"')).toMatch(/^t\d+ NO /m);
    // Still live after the refused cancel.
    expect(esearch(await c.command("STORE 1 +FLAGS (\\Seen)"))).toEqual([
      '* ESEARCH (TAG "R1") UID ADDTO (0 1)',
    ]);
    expect(await c.command('CANCELUPDATE "R1"')).toMatch(/^t\d+ OK /m);
    expect(esearch(await c.command("STORE 2 +FLAGS (\\Seen)"))).toEqual([]);
    expect(await c.command("CANCELUPDATE")).toMatch(/^t\d+ BAD /m);
    // The tag is free again.
    await c.command("UID SEARCH RETURN (UPDATE) UNSEEN", "R1");
    expect(esearch(await c.command("STORE 2 -FLAGS (\\Seen)"))).toEqual([
      '* ESEARCH (TAG "R1") UID ADDTO (0 2)',
    ]);

    // Eight contexts, of which two sorted; beyond that the answer still comes, without updates.
    for (let i = 2; i <= 8; i++) await c.command("SEARCH RETURN (UPDATE) ALL", `R${i}`);
    const refused = await c.command("SEARCH RETURN (UPDATE COUNT) ALL", "R9");
    expect(refused).toContain('* ESEARCH (TAG "R9") COUNT 2\r\n');
    expect(refused).toContain('* NO [NOUPDATE "R9"]');
    expect(refused).toMatch(/^R9 OK /m);
    await c.command('CANCELUPDATE "R2" "R3" "R4"');
    await c.command("SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL", "Q1");
    await c.command("SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL", "Q2");
    expect(await c.command("SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL", "Q3")).toContain(
      '* NO [NOUPDATE "Q3"]',
    );

    // A new SELECT ends them all: no more updates, and the tags are free.
    await c.command(`SELECT ${box}`);
    expect(esearch(await c.command("STORE 1 -FLAGS (\\Seen)"))).toEqual([]);
    expect(await c.command('CANCELUPDATE "R1"')).toMatch(/^t\d+ NO /m);
  });

  it("sends a whole mailbox leaving and coming back as one pair each", async () => {
    const box = await mailbox(Array.from({ length: 500 }, (_, i) => `s${(i * 7919) % 500}`));
    const a = await loggedIn();
    const b = await loggedIn();
    await a.command(`SELECT ${box}`);
    await b.command(`SELECT ${box}`);
    const all = /\* ESEARCH \(TAG "W0"\) UID ALL (\S+)\r\n/.exec(
      await a.command("UID SORT RETURN (ALL UPDATE) (SUBJECT) UTF-8 UNSEEN", "W0"),
    )![1]!;
    await b.command("STORE 1:* +FLAGS.SILENT (\\Seen)");
    expect(esearch(await a.command("NOOP"))).toEqual([`* ESEARCH (TAG "W0") UID REMOVEFROM (1 ${all})`]);
    await b.command("STORE 1:* -FLAGS.SILENT (\\Seen)");
    expect(esearch(await a.command("NOOP"))).toEqual([`* ESEARCH (TAG "W0") UID ADDTO (1 ${all})`]);
    // Scattered changes: the client's copy, updated pair by pair as RFC 5267 §4.3.3-4 says,
    // equals a fresh SORT after each.
    let copy = expand(all);
    for (const [op, step] of [
      ["+", 3],
      ["-", 6],
      ["+", 5],
      ["-", 2],
      ["+", 7],
    ] as const) {
      const seqs = Array.from({ length: Math.ceil(500 / step) }, (_, i) => i * step + 1).join(",");
      await b.command(`STORE ${seqs} ${op}FLAGS.SILENT (\\Seen)`);
      for (const line of esearch(await a.command("NOOP"))) copy = applyUpdate(copy, line);
      const fresh = /ALL (\S+)\r\n/.exec(await a.command("UID SORT RETURN (ALL) (SUBJECT) UTF-8 UNSEEN"));
      expect(copy, `${op}${step}`).toEqual(fresh ? expand(fresh[1]!) : []);
    }
  });

  it("delivers ADDTO while idling", async () => {
    const box = await mailbox(["a"]);
    const c = await loggedIn();
    await c.command(`SELECT ${box}`);
    await c.command("UID SEARCH RETURN (UPDATE) SUBJECT wanted", "I0");
    c.take();
    c.write("I1 IDLE\r\n");
    await c.until((b) => b.includes("+ "));
    await seed(server, [message(2, { subject: "not this" }), message(3, { subject: "wanted" })], {
      mailbox: box,
    });
    const seen = await c.until((b) => /ADDTO[^\r]*\r\n/.test(b));
    expect(esearch(seen)).toEqual(['* ESEARCH (TAG "I0") UID ADDTO (0 3)']);
    c.write("DONE\r\n");
    await c.until((b) => /I1 OK/.test(b));
  });
});
