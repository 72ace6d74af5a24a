import type { AddressValue, Envelope } from "@sandmail/core";
import { compileMatcher, foldCase } from "@sandmail/matcher";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recipientForms, senderForms } from "../src/index.js";
import {
  CHUNK_END,
  CHUNK_RECORDS,
  type ColumnSearch,
  ScanColumns,
  type ScanField,
  SEARCH_END,
} from "../src/memory/scan-columns.js";
import type { MessageRecord } from "../src/memory/state.js";

interface Fields {
  subject?: string;
  from?: AddressValue[];
  to?: AddressValue[];
  address?: string;
  envelope?: Envelope;
}

/** Just what the columns read of a record. */
function record(seq: number, f: Fields = {}): MessageRecord {
  return {
    seq,
    mailbox: { address: f.address ?? "inbox@x.test" },
    envelope: f.envelope,
    meta: {
      summary: { subject: f.subject ?? `message ${seq}`, from: f.from ?? [], to: f.to ?? [], cc: [] },
    },
  } as unknown as MessageRecord;
}

/** Every candidate of a search, and how many chunks it went through. */
function drain(search: ColumnSearch): { seqs: number[]; chunks: number } {
  const seqs: number[] = [];
  let chunks = 0;
  for (let seq = search.next(); seq !== SEARCH_END; seq = search.next()) {
    if (seq === CHUNK_END) chunks++;
    else seqs.push(seq);
  }
  return { seqs, chunks };
}

const candidates = (columns: ScanColumns, field: ScanField, needle: string, afterSeq = 0) =>
  drain(columns.search(field, needle, afterSeq)).seqs;

describe("scan columns", () => {
  it("find exactly the messages whose folded subject holds the needle, across chunks, from afterSeq on", () => {
    const columns = new ScanColumns();
    const subjects: string[] = [];
    // Seqs with gaps, as a run's are (flag changes and expunges take seqs too).
    for (let i = 0; i < CHUNK_RECORDS * 2 + 100; i++) {
      subjects[i * 2 + 1] = i % 97 === 0 ? `Your CODE is ${i}` : `Newsletter ${i}`;
      columns.add(record(i * 2 + 1, { subject: subjects[i * 2 + 1] }));
    }
    const expected = (needle: string, after: number) =>
      subjects.flatMap((s, seq) =>
        s !== undefined && seq > after && foldCase(s).includes(needle) ? [seq] : [],
      );
    for (const [needle, after] of [
      ["code is", 0],
      ["code is", 1001],
      ["letter 20", 0],
      ["letter 2049", 4000],
      ["no such", 0],
    ] as const) {
      expect(candidates(columns, "subject", needle, after)).toEqual(expected(needle, after));
    }
    const { chunks } = drain(columns.search("subject", "code", 0));
    expect(chunks).toBe(3);
    // Past the end: nothing, at once.
    expect(drain(columns.search("subject", "code", 1e9))).toEqual({ seqs: [], chunks: 0 });
  });

  it("never take a needle found across two messages for a hit", () => {
    const columns = new ScanColumns();
    columns.add(record(1, { subject: "ab" }));
    columns.add(record(2, { subject: "cd" }));
    columns.add(record(3, { subject: "xab" }));
    expect(candidates(columns, "subject", "ab\u0000cd")).toEqual([]);
    expect(candidates(columns, "subject", "b")).toEqual([1, 3]);
    // The last message of a chunk: its end is the text's.
    expect(candidates(columns, "subject", "xab")).toEqual([3]);
  });

  it("hold every sender and recipient form the criteria test, so a form's hit is a candidate", () => {
    const columns = new ScanColumns();
    const envelope: Envelope = {
      mailFrom: "Bounce@Shop.example",
      rcptTo: ["Hidden@X.test"],
      clientAddress: "127.0.0.1",
      helo: "h",
      tls: false,
    };
    const from = [{ name: "Shop Team", address: "news@shop.example" }];
    const to = [{ name: "Ann Lee", address: "ann@x.test" }];
    columns.add(record(1, { from, to, envelope, address: "box@x.test" }));
    columns.add(record(2, { address: "other@x.test" }));
    const rec = { address: "box@x.test", summary: { subject: "", from, to, cc: [] }, envelope };
    for (const form of recipientForms(rec.address, rec.summary, envelope))
      expect(candidates(columns, "to", foldCase(form))).toEqual([1]);
    for (const form of senderForms(rec.summary, envelope))
      expect(candidates(columns, "from", foldCase(form))).toEqual([1]);
    expect(candidates(columns, "to", "team")).toEqual([]);
    expect(candidates(columns, "from", "ann")).toEqual([]);
    expect(candidates(columns, "to", "x.test")).toEqual([1, 2]);
  });

  it("hold each form folded as it folds alone, whatever letters folded by context it has", () => {
    const unit = fc.constantFrom(
      ..."aAsS .<>@".split(""),
      "Σ",
      "ς",
      "İ",
      "\u212a",
      "\u0301",
      "'",
      "\u{10400}",
    );
    const text = fc.string({ unit, maxLength: 6 });
    const address = fc.record({ name: text, address: text });
    fc.assert(
      fc.property(
        fc.array(address, { maxLength: 3 }),
        fc.array(address, { maxLength: 2 }),
        text,
        (to, from, inbox) => {
          const columns = new ScanColumns();
          const envelope: Envelope = {
            mailFrom: "",
            rcptTo: [inbox],
            clientAddress: "",
            helo: "",
            tls: false,
          };
          columns.add(record(1, { from, to, envelope, address: inbox }));
          const summary = { subject: "", from, to, cc: [] };
          for (const [field, forms] of [
            ["to", recipientForms(inbox, summary, envelope)],
            ["from", senderForms(summary, envelope)],
          ] as const)
            for (const form of forms)
              if (form !== "")
                expect([field, form, candidates(columns, field, foldCase(form))]).toEqual([field, form, [1]]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("agree with the matcher: a subject it accepts is always a candidate for its needle", () => {
    const unit = fc.constantFrom(
      ..."aAsSkK iI.".split(""),
      "Σ",
      "σ",
      "ς",
      "İ",
      "\u212a",
      "ß",
      "Ä",
      "\u{10400}",
    );
    const text = fc.string({ unit, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), text, (subjects, value) => {
        fc.pre(value !== "");
        const columns = new ScanColumns();
        for (const [i, subject] of subjects.entries()) columns.add(record(i + 1, { subject }));
        for (const spec of [{ contains: value }, { contains: value, ignoreCase: false }, { equals: value }]) {
          const m = compileMatcher(spec);
          if (m.needle === undefined) continue;
          const found = new Set(candidates(columns, "subject", m.needle));
          subjects.forEach((subject, i) => {
            if (m.test(subject)) expect(found.has(i + 1)).toBe(true);
          });
        }
      }),
      { numRuns: 500 },
    );
  });

  it("name a message moved to another inbox for every search, and forget chunks with no message left", () => {
    const columns = new ScanColumns();
    const recs = Array.from({ length: CHUNK_RECORDS + 10 }, (_, i) => record(i + 1, { subject: "same" }));
    for (const rec of recs) columns.add(rec);
    columns.unsure(recs[5] as MessageRecord);
    columns.unsure(recs[CHUNK_RECORDS + 2] as MessageRecord);
    expect(candidates(columns, "subject", "other")).toEqual([6, CHUNK_RECORDS + 3]);
    expect(candidates(columns, "subject", "same", 5)).toHaveLength(CHUNK_RECORDS + 5);
    // Deleted, but their chunk still holds live messages: still found (the scan then finds them gone).
    columns.remove(recs.slice(0, 3));
    expect(candidates(columns, "subject", "same")).toHaveLength(CHUNK_RECORDS + 10);
    // The whole first chunk gone: none of it is searched any more, nor its unsure message.
    columns.remove(recs.slice(0, CHUNK_RECORDS));
    expect(candidates(columns, "subject", "same")).toEqual(recs.slice(CHUNK_RECORDS).map((r) => r.seq));
    expect(candidates(columns, "subject", "other")).toEqual([CHUNK_RECORDS + 3]);
    // New messages go on after the chunk left.
    columns.add(record(5000, { subject: "other" }));
    expect(candidates(columns, "subject", "other")).toEqual([CHUNK_RECORDS + 3, 5000]);
  });
});
