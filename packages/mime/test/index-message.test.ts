import type { MimeNode } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import { bodyBytes, findPart, headerBytes, indexMessage, normalizeCrlf } from "../src/index.js";
import { fixture } from "./support/fixtures.js";

interface Expected {
  part: string;
  type: string;
  params?: Record<string, string>;
  encoding?: string;
  /** Exact header block (with its closing blank line) of a part. */
  header?: string;
  /** Exact body bytes. */
  body?: string;
  lines?: number;
  disposition?: string;
  dispositionParams?: Record<string, string>;
  contentId?: string;
  description?: string;
  language?: string;
  location?: string;
  md5?: string;
  children?: number;
}

/** Every node of the tree, encapsulated messages included, keyed by "part" ("2" and "2 message" apart). */
function flatten(node: MimeNode, out = new Map<string, MimeNode>(), suffix = ""): Map<string, MimeNode> {
  out.set(node.part + suffix, node);
  for (const c of node.children) flatten(c, out);
  if (node.message) flatten(node.message, out, " message");
  return out;
}

function check(raw: Buffer, root: MimeNode, expected: Expected[]): void {
  const nodes = flatten(root);
  expect([...nodes.keys()].sort()).toEqual(expected.map((e) => e.part).sort());
  for (const e of expected) {
    const n = nodes.get(e.part)!;
    const label = `part "${e.part}"`;
    expect(n.contentType, label).toBe(e.type);
    if (e.params) expect(n.params, label).toEqual(e.params);
    if (e.encoding) expect(n.encoding, label).toBe(e.encoding);
    if (e.header !== undefined) expect(headerBytes(raw, n).toString("utf8"), label).toBe(e.header);
    if (e.body !== undefined) expect(bodyBytes(raw, n).toString("utf8"), label).toBe(e.body);
    if (e.lines !== undefined) expect(n.lines, label).toBe(e.lines);
    if (e.children !== undefined) expect(n.children.length, label).toBe(e.children);
    for (const key of [
      "disposition",
      "dispositionParams",
      "contentId",
      "description",
      "language",
      "location",
      "md5",
    ] as const) {
      if (e[key] !== undefined) expect(n[key], `${label} ${key}`).toEqual(e[key]);
    }
    // Structural invariants every node keeps.
    expect(
      n.headerStart <= n.headerEnd && n.headerEnd === n.bodyStart && n.bodyStart <= n.bodyEnd,
      label,
    ).toBe(true);
    expect(n.bodyEnd <= raw.length, label).toBe(true);
  }
}

const crlf = (s: string) => s.replace(/\n/g, "\r\n");

describe("indexMessage on the fixture corpus", () => {
  it("multipart/alternative", () => {
    const raw = fixture("alternative.eml");
    const { mime, summary } = indexMessage(raw);
    expect(summary).toEqual({
      subject: "Plain and HTML",
      from: [{ name: "Alice Example", address: "alice@example.com" }],
      to: [{ name: "", address: "bob@run1.sandmail.test" }],
      cc: [],
      date: new Date("2023-02-07T17:05:01Z"),
      messageId: "<alt-1@example.com>",
    });
    expect(raw.subarray(0, mime.headerEnd).toString().endsWith("\r\n\r\n")).toBe(true);
    expect(mime.bodyEnd).toBe(raw.length);
    check(raw, mime, [
      {
        part: "",
        type: "multipart/alternative",
        params: { boundary: "alt-boundary" },
        children: 2,
        lines: 0,
      },
      {
        part: "1",
        type: "text/plain",
        params: { charset: "utf-8" },
        encoding: "7bit",
        header: crlf("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n"),
        body: crlf("Hello Bob,\nyour code is 123456."),
        lines: 1,
      },
      {
        part: "2",
        type: "text/html",
        header: crlf("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n"),
        body: "<p>Hello Bob,<br>your code is <b>123456</b>.</p>",
        lines: 0,
      },
    ]);
  });

  it("multipart/mixed with base64 attachments", () => {
    const raw = fixture("mixed-attachments.eml");
    const { mime } = indexMessage(raw);
    const pdf = bodyBytes(raw, findPart(mime, [2])!);
    expect(Buffer.from(pdf.toString("latin1"), "base64").subarray(0, 8).toString()).toBe("%PDF-1.4");
    check(raw, mime, [
      { part: "", type: "multipart/mixed", params: { boundary: "mixed-b" }, children: 3 },
      {
        part: "1",
        type: "text/plain",
        params: { charset: "us-ascii" },
        body: "See the attached report.\r\n",
        lines: 1,
      },
      {
        part: "2",
        type: "application/pdf",
        params: { name: "report.pdf" },
        encoding: "base64",
        disposition: "attachment",
        dispositionParams: { filename: "report.pdf" },
        description: "The monthly report",
        lines: 5,
      },
      {
        part: "3",
        type: "image/png",
        params: {},
        encoding: "base64",
        contentId: "<logo@example.com>",
        disposition: "inline",
        dispositionParams: { filename: "logo.png" },
      },
    ]);
  });

  it("nested multiparts", () => {
    const raw = fixture("nested.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [
      { part: "", type: "multipart/mixed", children: 2 },
      {
        part: "1",
        type: "multipart/related",
        params: { boundary: "rel", type: "multipart/alternative" },
        header: crlf('Content-Type: multipart/related; boundary="rel"; type="multipart/alternative"\n\n'),
        children: 2,
      },
      {
        part: "1.1",
        type: "multipart/alternative",
        children: 2,
        body: crlf(
          '--alt\nContent-Type: text/plain; charset=utf-8\n\nPlain body\n--alt\nContent-Type: text/html; charset=utf-8\n\n<img src="cid:pic@x">\n--alt--\n',
        ),
      },
      { part: "1.1.1", type: "text/plain", body: "Plain body", lines: 0 },
      { part: "1.1.2", type: "text/html", body: '<img src="cid:pic@x">' },
      {
        part: "1.2",
        type: "image/gif",
        contentId: "<pic@x>",
        encoding: "base64",
        body: "R0lGODlhAQABAAAAACw=",
      },
      {
        part: "2",
        type: "text/csv",
        params: { name: "data.csv" },
        disposition: "attachment",
        body: "a,b\r\n1,2",
        lines: 1,
      },
    ]);
  });

  it("message/rfc822 inside multipart/mixed", () => {
    const raw = fixture("rfc822-in-mixed.eml");
    const { mime } = indexMessage(raw);
    const inner = findPart(mime, [2])!.message!;
    expect(headerBytes(raw, inner).toString()).toBe(
      crlf(
        'From: Original Sender <orig@example.org>\nTo: forwarder@example.com\nSubject: Original\nDate: Thu, 02 Mar 2023 10:00:00 +0000\nMessage-ID: <orig-1@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="inner"\n\n',
      ),
    );
    check(raw, mime, [
      { part: "", type: "multipart/mixed", children: 2 },
      { part: "1", type: "text/plain", body: "See below.", lines: 0 },
      {
        part: "2",
        type: "message/rfc822",
        disposition: "attachment",
        dispositionParams: { filename: "original.eml" },
        header: crlf(
          'Content-Type: message/rfc822\nContent-Disposition: attachment; filename="original.eml"\n\n',
        ),
        lines: 17,
      },
      { part: "2 message", type: "multipart/alternative", params: { boundary: "inner" }, children: 2 },
      { part: "2.1", type: "text/plain", body: "Inner plain", header: "Content-Type: text/plain\r\n\r\n" },
      { part: "2.2", type: "text/html", body: "<p>Inner html</p>" },
    ]);
    // The encapsulated message spans the whole body of part 2; Dovecot keeps the line break after
    // the inner close delimiter in it.
    expect(inner.headerStart).toBe(findPart(mime, [2])!.bodyStart);
    expect(inner.bodyEnd).toBe(findPart(mime, [2])!.bodyEnd);
    expect(
      bodyBytes(raw, findPart(mime, [2])!)
        .toString()
        .endsWith("--inner--\r\n"),
    ).toBe(true);
  });

  it("message/rfc822 with a single-part message: its part 1 is the message body", () => {
    const raw = fixture("rfc822-single.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [
      { part: "", type: "multipart/mixed", children: 1 },
      { part: "1", type: "message/rfc822", lines: 4 },
      {
        part: "1 message",
        type: "text/plain",
        params: { charset: "us-ascii" },
        header: "Subject: simple inner\r\nFrom: x@example.org\r\n\r\n",
        body: "Just text.\r\nTwo lines.",
        lines: 1,
      },
    ]);
    expect(findPart(mime, [1, 1])).toBe(findPart(mime, [1])!.message);
  });

  it("a top-level message/rfc822: the encapsulated message is part 1", () => {
    const raw = fixture("top-rfc822.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [
      { part: "", type: "message/rfc822", lines: 7 },
      { part: "1 message", type: "multipart/mixed", params: { boundary: "w" }, children: 1 },
      { part: "1.1", type: "text/plain", header: "\r\n", body: "wrapped text" },
    ]);
    expect(findPart(mime, [1])).toBe(mime);
    expect(findPart(mime, [1, 1])?.part).toBe("1.1");
  });

  it("multipart/digest parts default to message/rfc822", () => {
    const raw = fixture("digest.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [
      { part: "", type: "multipart/digest", children: 2 },
      { part: "1", type: "message/rfc822", header: "\r\n", body: "Subject: first\r\n\r\none", lines: 2 },
      { part: "1 message", type: "text/plain", body: "one", lines: 0 },
      { part: "2", type: "message/rfc822", body: "Subject: second\r\n\r\ntwo" },
      { part: "2 message", type: "text/plain", body: "two" },
    ]);
  });

  it("encoded-words in headers: UTF-8 B and Q, ISO-8859-1, adjacent words joined", () => {
    const raw = fixture("encoded-words.eml");
    const { summary, mime } = indexMessage(raw);
    expect(summary.subject).toBe("Welcome 🎉 and café naïve");
    expect(summary.from).toEqual([{ name: "André Müller", address: "andre@example.com" }]);
    expect(summary.to).toEqual([
      { name: "François", address: "francois@run1.sandmail.test" },
      { name: "日本語", address: "nihongo@run1.sandmail.test" },
    ]);
    expect(summary.cc).toEqual([{ name: "Plain Name", address: "plain@example.com" }]);
    check(raw, mime, [
      { part: "", type: "text/plain", params: { charset: "utf-8" }, body: "Body.\r\n", lines: 1 },
    ]);
  });

  it("RFC 2231 parameters: continuations, charset and language decoded", () => {
    const raw = fixture("rfc2231.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [
      { part: "", type: "multipart/mixed", children: 3 },
      { part: "1", type: "text/plain", body: "Files attached." },
      {
        part: "2",
        type: "application/octet-stream",
        params: { name: "€ rates.txt" },
        disposition: "attachment",
        dispositionParams: { filename: "€ rates.txt" },
        language: "en",
        location: "http://example.com/rates.txt",
        md5: "Q2hlY2sgSW50ZWdyaXR5IQ==",
        body: "rates",
      },
      {
        part: "3",
        type: "text/plain",
        params: { name: "longname.txt" },
        dispositionParams: { filename: "longname.txt" },
        body: "long",
      },
    ]);
  });

  it("quoted-printable, base64 and 8bit single parts", () => {
    const qp = fixture("quoted-printable.eml");
    const q = indexMessage(qp);
    check(qp, q.mime, [{ part: "", type: "text/plain", encoding: "quoted-printable", lines: 3 }]);
    expect(bodyBytes(qp, q.mime).toString()).toContain("token=3Dabc123");

    const b64 = fixture("base64.eml");
    const b = indexMessage(b64);
    check(b64, b.mime, [{ part: "", type: "text/plain", encoding: "base64", lines: 1 }]);
    expect(Buffer.from(bodyBytes(b64, b.mime).toString(), "base64").toString()).toBe(
      "Grüße aus Köln!\nYour code: 987654\n",
    );

    const eight = fixture("8bit.eml");
    const e = indexMessage(eight);
    expect(e.summary.subject).toBe("Grüße ohne Kodierung");
    expect(e.summary.from).toEqual([{ name: "Jörg", address: "joerg@example.de" }]);
    check(eight, e.mime, [
      { part: "", type: "text/plain", encoding: "8bit", body: "Schöne Grüße,\r\nJörg\r\n", lines: 2 },
    ]);
    expect(findPart(e.mime, [1])).toBe(e.mime);
  });

  it("groups in address lists are flattened to their members", () => {
    const { summary } = indexMessage(fixture("groups.eml"));
    expect(summary.to).toEqual([
      { name: "", address: "alice@run1.sandmail.test" },
      { name: "Bob B", address: "bob@run1.sandmail.test" },
      { name: "", address: "carol@run1.sandmail.test" },
    ]);
    expect(summary.cc).toEqual([]);
    expect(summary.date).toBeUndefined();
  });

  it("LF-only input indexes as is, and the same once normalized", () => {
    const lf = fixture("lf-only.eml");
    expect(lf.includes("\r")).toBe(false);
    const a = indexMessage(lf);
    check(lf, a.mime, [
      { part: "", type: "multipart/alternative", children: 2 },
      {
        part: "1",
        type: "text/plain",
        header: "Content-Type: text/plain\n\n",
        body: "unix line\nends",
        lines: 1,
      },
      { part: "2", type: "text/html", body: "<p>unix</p>" },
    ]);
    const crlfRaw = normalizeCrlf(lf);
    const b = indexMessage(crlfRaw);
    check(crlfRaw, b.mime, [
      { part: "", type: "multipart/alternative", children: 2 },
      {
        part: "1",
        type: "text/plain",
        header: "Content-Type: text/plain\r\n\r\n",
        body: "unix line\r\nends",
        lines: 1,
      },
      { part: "2", type: "text/html", body: "<p>unix</p>" },
    ]);
  });

  it("a missing close delimiter: the last part runs to the end", () => {
    const raw = fixture("missing-final-boundary.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [
      { part: "", type: "multipart/mixed", children: 2 },
      { part: "1", type: "text/plain", body: "first part" },
      { part: "2", type: "text/plain", body: "second part, never closed\r\n", lines: 1 },
    ]);
  });

  it("transport padding, lookalike lines and prefix matches follow RFC 2046 (as Dovecot)", () => {
    const raw = fixture("padding.eml");
    const { mime } = indexMessage(raw);
    // "--padx ..." and "--pad-not..." start with the whole delimiter, so they are delimiters too:
    // "it is sufficient that the boundary appear in its entirety following the CRLF".
    check(raw, mime, [
      { part: "", type: "multipart/mixed", params: { boundary: "pad" }, children: 4 },
      { part: "1", type: "text/plain", header: "", body: "" },
      { part: "2", type: "text/plain", header: "Content-Type: text/plain\r\n\r\n", body: "body one" },
      { part: "3", type: "text/plain", header: "", body: "" },
      { part: "4", type: "text/plain", body: "body two" },
    ]);
    // The epilogue (after the close delimiter with its padding) is no part.
    expect(raw.subarray(findPart(mime, [4])!.bodyEnd).toString()).toBe(
      "\r\n--pad--  \r\nepilogue\r\n--pad\r\nnot a part\r\n",
    );
  });

  it("a boundary that prefixes another: the longest match wins", () => {
    const raw = fixture("prefix-boundaries.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [
      { part: "", type: "multipart/mixed", children: 2 },
      { part: "1", type: "multipart/alternative", params: { boundary: "==b-inner" }, children: 2 },
      { part: "1.1", type: "text/plain", body: "inner one" },
      { part: "1.2", type: "text/html", header: "Content-Type: text/html", body: "" },
      { part: "2", type: "text/plain", body: "outer two, after an inner multipart that was never closed" },
    ]);
  });

  it("no body, header only, no header", () => {
    const noBody = fixture("no-body.eml");
    const a = indexMessage(noBody);
    expect(a.summary.subject).toBe("No body");
    check(noBody, a.mime, [{ part: "", type: "text/plain", body: "", lines: 0 }]);
    expect(a.mime.headerEnd).toBe(noBody.length);

    const headerOnly = fixture("header-only.eml");
    const b = indexMessage(headerOnly);
    expect(b.summary.subject).toBe("Header only");
    check(headerOnly, b.mime, [{ part: "", type: "text/plain", header: headerOnly.toString(), body: "" }]);

    const noHeaders = fixture("no-headers.eml");
    const c = indexMessage(noHeaders);
    expect(c.summary).toEqual({ subject: "", from: [], to: [], cc: [] });
    check(noHeaders, c.mime, [
      { part: "", type: "text/plain", header: "\r\n", body: "Just a body, no header at all.\r\n" },
    ]);
  });

  it("a multipart without a boundary has no parts", () => {
    const raw = fixture("missing-boundary.eml");
    const { mime } = indexMessage(raw);
    check(raw, mime, [{ part: "", type: "multipart/mixed", params: {}, children: 0 }]);
    expect(mime.bodyEnd).toBe(raw.length);
    expect(findPart(mime, [1])).toBeUndefined();
  });

  it("binary garbage gives a tree without throwing", () => {
    const raw = fixture("garbage.eml");
    const { mime, summary } = indexMessage(raw);
    expect(summary.subject).toBe("");
    check(raw, mime, [{ part: "", type: "text/plain" }]);
    expect(mime.headerEnd).toBe(raw.indexOf("\r\n\r\n") + 4);
  });
});

describe("findPart", () => {
  it("rejects out-of-range part numbers", () => {
    const { mime } = indexMessage(fixture("nested.eml"));
    for (const bad of [[0], [3], [1, 3], [1, 1, 3], [2, 2]])
      expect(findPart(mime, bad), `${bad}`).toBeUndefined();
    expect(findPart(mime, [])).toBe(mime);
    expect(findPart(mime, [1, 1, 2])?.contentType).toBe("text/html");
    // A leaf's part 1 is the leaf itself (as for a single-part message).
    expect(findPart(mime, [2, 1])).toBe(findPart(mime, [2]));
  });
});
