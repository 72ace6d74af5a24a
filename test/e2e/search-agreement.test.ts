import { readdirSync, readFileSync } from "node:fs";
import type { ImapFlow, SearchObject } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openInbox } from "../support/imap-client.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/**
 * IMAP SEARCH and an API wait read the same bytes through the same decoding stack
 * (packages/mime/src/decode.ts), so for the same criteria they must pick the same messages. The
 * 40 fixtures of the IMAP differential test cover charsets (Latin-1, windows-1252, ISO-2022-JP,
 * UTF-8 in 8-bit headers), transfer encodings (quoted-printable, base64, 8bit), encoded-words
 * and broken MIME (no boundary, broken addresses, header-only, duplicate fields).
 *
 * Each criterion is written in both vocabularies: the API's `to` covers To and Cc (so IMAP asks
 * `OR TO x CC x`), and both ignore case. The SMTP envelope, which the API's `to` and `from` also
 * match, uses addresses no needle occurs in.
 *
 * Known difference, left out: a part labelled `Content-Type: text` (no subtype) is text/plain to
 * IMAP (as to Dovecot) but an attachment to mailparser, so only IMAP finds its words.
 */
const FIXTURES = new URL("../../services/imap/test/fixtures/", import.meta.url);
const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".eml"))
  .sort();

interface Criterion {
  field: "subject" | "from" | "to" | "text";
  needle: string;
}

const NEEDLES: Record<Criterion["field"], string[]> = {
  subject: [
    "hello",
    "grüße",
    "MÜNCHEN",
    "€ prices",
    "résumé de la",
    "smörgåsbord",
    "テスト",
    "fwd:",
    "subject",
    "very very very",
    "space after",
    "uppercase",
  ],
  from: [
    "alice",
    "jürgen müller",
    "shop, online",
    "example.com",
    "ørjan",
    "山田",
    "spacey",
    "pierre",
    "boss",
  ],
  to: ["bob", "françois", "customer@", "r3@example.com", "nick", "c, the third", "example.fr", "staff"],
  text: [
    "café beans",
    "résumé de la réunion",
    "très bien",
    "ärger, öl",
    "blåbærsyltetøy",
    "€ 5",
    "“quoted”",
    "naïve",
    "こんにちは",
    "verify",
    "invited to sync",
    "duplicate headers",
    "without any mime headers",
    "nothing else in the header",
    "part two",
    "plain level two",
    "marmot",
    "quokka",
  ],
};

const CRITERIA: Criterion[] = Object.entries(NEEDLES).flatMap(([field, needles]) =>
  needles.map((needle) => ({ field: field as Criterion["field"], needle })),
);

function imapQuery({ field, needle }: Criterion): SearchObject {
  switch (field) {
    case "subject":
      return { subject: needle };
    case "from":
      return { from: needle };
    case "to":
      return { or: [{ to: needle }, { cc: needle }] };
    case "text":
      return { body: needle };
  }
}

describe("IMAP SEARCH and the API wait agree on 40 varied messages", () => {
  let sb: TestSandbox;
  let run: TestRun;
  let imap: ImapFlow;
  /** UIDs in arrival order: the i-th delivered fixture has uids[i]. */
  let uids: number[] = [];
  /** API seq of the i-th delivered fixture. */
  let seqs: number[] = [];

  beforeAll(async () => {
    sb = await startTestSandbox();
    // The run id is random and part of the envelope address, which the API's `to` also matches:
    // an id that happens to hold a needle ("bob" did once in CI) would match every message.
    // Another run is taken until the address holds none.
    const needles = Object.values(NEEDLES).flat();
    do run = await sb.createRun();
    while (needles.some((n) => run.address("agree").toLowerCase().includes(n.toLowerCase())));
    const address = run.address("agree");
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    for (const file of files) {
      // One at a time, so arrival order is the fixture order for both protocols.
      await smtp.sendMail({
        envelope: { from: "bounce@zz.invalid", to: address },
        raw: readFileSync(new URL(file, FIXTURES)),
      });
    }
    smtp.close();
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/wait?count=${files.length}&timeout=10000`);
    expect(res.status).toBe(200);
    seqs = ((await res.json()) as { messages: Array<{ seq: number }> }).messages.map((m) => m.seq);
    imap = await openInbox(sb, address, run.token);
    uids = ((await imap.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
  });
  afterAll(async () => {
    await imap?.logout().catch(() => {});
    await sb?.close();
  });

  it("stores all 40 fixtures, seen by both", () => {
    expect(files).toHaveLength(40);
    expect(uids).toHaveLength(40);
    expect(seqs).toHaveLength(40);
  });

  /** Fixture names IMAP finds for a criterion. */
  async function viaImap(c: Criterion): Promise<string[]> {
    const found = (await imap.search(imapQuery(c), { uid: true })) || [];
    return found.map((uid) => files[uids.indexOf(uid)]!).sort();
  }

  /** Fixture names an API wait for every message matching the criterion returns. */
  async function viaApi(c: Criterion): Promise<string[]> {
    // Waiting for all 40 with no time to wait: 200 if all match, otherwise a 408 listing what did.
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/wait`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ [c.field]: { contains: c.needle }, count: files.length, timeout: 0 }),
    });
    const body = (await res.json()) as {
      messages?: Array<{ seq: number }>;
      matchedMessages?: Array<{ seq: number }>;
    };
    expect([200, 408], JSON.stringify(body)).toContain(res.status);
    const matched = res.status === 200 ? body.messages! : body.matchedMessages!;
    return matched.map((m) => files[seqs.indexOf(m.seq)]!).sort();
  }

  it("finds the same messages for every subject, from, to and body criterion", async () => {
    const report: string[] = [];
    let nonEmpty = 0;
    for (const c of CRITERIA) {
      const [imapAnswer, apiAnswer] = [await viaImap(c), await viaApi(c)];
      if (imapAnswer.length > 0) nonEmpty++;
      if (JSON.stringify(imapAnswer) !== JSON.stringify(apiAnswer))
        report.push(
          `${c.field} ${JSON.stringify(c.needle)}\n  imap: ${imapAnswer.join(" ")}\n  api:  ${apiAnswer.join(" ")}`,
        );
    }
    expect(report.join("\n")).toBe("");
    // The needles are chosen to hit: a comparison of empty answers would prove nothing.
    expect(nonEmpty).toBe(CRITERIA.length);
  });
});
