/**
 * ESORT and CONTEXT=SEARCH (RFC 5267) against Dovecot, which has both (not CONTEXT=SORT: its
 * sorted updates carry position 0, so sorted UPDATE is checked by hand in ../context.test.ts).
 * The 40-message corpus (INBOX) and 300 generated messages (Gen) are APPENDed to both servers;
 * the SORT RETURN / SEARCH RETURN answers are compared line for line, then live SEARCH results
 * are followed through a second session's STORE, EXPUNGE and APPEND and the first session's own
 * STORE. Both servers number UIDs from 1 in append order, so answers compare as they are.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDovecot } from "../support/dovecot.js";
import { type ImapReply, RawImapClient } from "../support/imap-raw-client.js";
import { generateMessages } from "./generated.js";
import { type ServerPair, type Side, startCorpusPair } from "./pair.js";

const RETURN_SCRIPT = [
  "SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL",
  "SORT RETURN () (DATE) UTF-8 ALL",
  "UID SORT RETURN (ALL) (REVERSE DATE) UTF-8 ALL",
  "UID SORT RETURN (MIN MAX) (FROM DATE) UTF-8 SEEN",
  "SORT RETURN (COUNT) (SIZE) UTF-8 NOT SEEN",
  "SORT RETURN (MIN MAX COUNT ALL) (ARRIVAL) UTF-8 SUBJECT no-such-subject",
  "UID SORT RETURN (PARTIAL 1:10) (REVERSE ARRIVAL) UTF-8 ALL",
  "SORT RETURN (PARTIAL 5:2 COUNT) (DISPLAYFROM) UTF-8 UNDELETED",
  "SORT RETURN (PARTIAL 30:500) (SUBJECT REVERSE DATE) UTF-8 ALL",
  "SORT RETURN (PARTIAL 900:1000) (SUBJECT) UTF-8 ALL",
  "SORT RETURN (CONTEXT MIN) (TO) UTF-8 FLAGGED",
  "SEARCH RETURN (PARTIAL 1:5) ALL",
  "UID SEARCH RETURN (PARTIAL 10:20 COUNT) UNSEEN",
  "SEARCH RETURN (PARTIAL 40:1) NOT DELETED",
  "UID SEARCH RETURN (PARTIAL 500:600) ALL",
  "SEARCH RETURN (CONTEXT COUNT) SEEN",
  "SEARCH RETURN (PARTIAL 1:3 MIN MAX) OR FLAGGED DRAFT",
  "SEARCH RETURN (PARTIAL 0:5) ALL",
  "SEARCH RETURN (PARTIAL 1:*) ALL",
  "SEARCH RETURN (PARTIAL 1:5 ALL) ALL",
  "SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL",
  "SORT RETURN (SAVE) (SUBJECT) UTF-8 FLAGGED",
  "SEARCH $",
  "SORT RETURN (SAVE MIN) (REVERSE SIZE) UTF-8 ALL",
  "SEARCH $",
];

/** A reply as compared: the status, then every ESEARCH / SEARCH line with its TAG removed. */
function answer(reply: ImapReply): string[] {
  const lines = reply.untagged
    .map((u) => u.toString("latin1"))
    .filter((l) => /^(E?SEARCH)\b/i.test(l))
    .map((l) => l.replace(/ \(TAG "[^"]*"\)/i, ""));
  return [reply.status, ...lines];
}

/**
 * Replies while live results change: ESEARCH lines (tags named by the script's labels), EXPUNGE
 * and EXISTS in the order they came, since REMOVEFROM must precede the EXPUNGE and ADDTO follow
 * the EXISTS. FETCH and RECENT lines are left out: servers order those differently, legitimately.
 */
function liveAnswer(reply: ImapReply, labels: Map<string, string>): string[] {
  const out: string[] = [reply.status];
  for (const u of reply.untagged) {
    const l = u.toString("latin1");
    if (/^\d+ (EXPUNGE|EXISTS)$/.test(l)) out.push(l);
    else if (/^ESEARCH /.test(l))
      out.push(l.replace(/\(TAG "([^"]*)"\)/, (_, t: string) => `(TAG ${labels.get(t) ?? "?"})`));
  }
  return out;
}

function corpusMessage(n: number, subject: string): Buffer {
  return Buffer.from(
    `From: New ${n} <new${n}@example.com>\r\nTo: someone@example.com\r\nSubject: ${subject}\r\n` +
      `Date: Tue, 02 Apr 2024 10:0${n}:00 +0000\r\nMessage-ID: <new${n}@example.com>\r\n\r\nnew body ${n}\r\n`,
  );
}

describeWithDovecot("ESORT and CONTEXT=SEARCH vs Dovecot (differential)", () => {
  let pair: ServerPair;
  const others = {} as Record<Side, RawImapClient>;

  beforeAll(async () => {
    pair = await startCorpusPair(generateMessages());
    others.dovecot = await RawImapClient.connect("127.0.0.1", pair.dovecot.port);
    await others.dovecot.ok(`LOGIN "${pair.dovecot.user}" "${pair.dovecot.password}"`);
    others.sandmail = await RawImapClient.connect("127.0.0.1", pair.sandmail.port);
    await others.sandmail.ok(`LOGIN "${pair.sandmail.address}" "${pair.sandmail.token}"`);
  }, 120_000);

  afterAll(async () => {
    await others.dovecot?.close();
    await others.sandmail?.close();
    await pair?.close();
  });

  it("advertises what Dovecot does, and CONTEXT=SORT besides", async () => {
    const caps = async (c: RawImapClient) =>
      new Set(
        (await c.ok("CAPABILITY")).untagged
          .map((u) => u.toString("latin1"))
          .find((l) => l.startsWith("CAPABILITY"))!
          .split(" "),
      );
    const theirs = await caps(pair.clients.dovecot);
    const ours = await caps(pair.clients.sandmail);
    for (const cap of ["ESORT", "CONTEXT=SEARCH"]) {
      expect(theirs.has(cap), cap).toBe(true);
      expect(ours.has(cap), cap).toBe(true);
    }
    expect(ours.has("CONTEXT=SORT")).toBe(true);
  });

  it("answers every SORT RETURN and SEARCH RETURN as Dovecot does", async () => {
    const diffs: string[] = [];
    for (const box of ["INBOX", "Gen"]) {
      for (const c of Object.values(pair.clients)) await c.ok(`SELECT ${box}`);
      for (const command of RETURN_SCRIPT) {
        const theirs = answer(await pair.clients.dovecot.command(command));
        const ours = answer(await pair.clients.sandmail.command(command));
        if (JSON.stringify(theirs) !== JSON.stringify(ours))
          diffs.push(
            `${box}: ${command}\n  dovecot:  ${theirs.join(" | ")}\n  sandmail: ${ours.join(" | ")}`,
          );
      }
    }
    expect(diffs).toEqual([]);
  });

  it("keeps live SEARCH results (UPDATE) as Dovecot does while the mailbox changes", async () => {
    // [session, command, label of the context it opens]
    const script: Array<["a" | "b", string | [string, Buffer], string?]> = [
      ["a", "SELECT INBOX"],
      ["b", "SELECT INBOX"],
      ["a", "UID SEARCH RETURN (UPDATE) UNSEEN", "unseen"],
      ["a", "SEARCH RETURN (UPDATE COUNT) FLAGGED", "flagged"],
      ["a", "SEARCH RETURN (UPDATE MIN) OR SEEN DELETED", "seen-or-deleted"],
      ["a", "UID SEARCH RETURN (UPDATE PARTIAL 1:5) SUBJECT re", "subject"],
      ["a", "UID SEARCH RETURN (UPDATE) 3:8 UNFLAGGED", "numbers"],
      ["b", "STORE 1:5 +FLAGS (\\Seen)"],
      ["a", "NOOP"],
      ["b", "STORE 2,4,6 +FLAGS (\\Flagged \\Deleted)"],
      ["a", "NOOP"],
      ["b", "EXPUNGE"],
      ["a", "NOOP"],
      ["b", ["APPEND INBOX () ", corpusMessage(1, "Re: arrived")]],
      ["b", ["APPEND INBOX (\\Flagged \\Seen) ", corpusMessage(2, "plain")]],
      ["a", "NOOP"],
      ["a", "STORE 1:3 -FLAGS (\\Seen)"],
      ["a", "STORE 7 +FLAGS (\\Flagged)"],
      ["a", 'CANCELUPDATE "flagged"'],
      ["b", "STORE 1:* +FLAGS (\\Flagged)"],
      ["a", "NOOP"],
      ["b", "STORE 1:* -FLAGS (\\Flagged \\Seen)"],
      ["a", "NOOP"],
    ];
    const diffs: string[] = [];
    const labels: Record<Side, Map<string, string>> = { dovecot: new Map(), sandmail: new Map() };
    const clients = (side: Side) => ({ a: pair.clients[side], b: others[side] });
    for (const [who, step, label] of script) {
      const replies = {} as Record<Side, string[]>;
      for (const side of ["dovecot", "sandmail"] as const) {
        const client = clients(side)[who];
        // CANCELUPDATE names the tag this side gave the labelled command.
        const text =
          typeof step === "string"
            ? step.replace(/"(\w[\w-]*)"$/, (m, l: string) => {
                const tag = [...labels[side]].find(([, v]) => v === l)?.[0];
                return tag ? `"${tag}"` : m;
              })
            : step;
        const reply = typeof text === "string" ? await client.command(text) : await client.command(...text);
        if (label) labels[side].set(reply.tag, label);
        replies[side] = liveAnswer(reply, labels[side]);
      }
      const name = typeof step === "string" ? step : step[0];
      if (JSON.stringify(replies.dovecot) !== JSON.stringify(replies.sandmail))
        diffs.push(
          `${who}: ${name}\n  dovecot:  ${replies.dovecot.join(" | ")}\n  sandmail: ${replies.sandmail.join(" | ")}`,
        );
    }
    expect(diffs).toEqual([]);
  });
});
