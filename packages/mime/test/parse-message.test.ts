import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import type { MimeNode } from "@sandmail/core";
import { describe, expect, it } from "vitest";
import { bodyBytes, indexMessage, normalizeCrlf, parseMessage } from "../src/index.js";
import { fixture, fixtureDir } from "./support/fixtures.js";

function decodeBody(raw: Buffer, node: MimeNode): Buffer {
  const body = bodyBytes(raw, node);
  if (node.encoding === "base64") return Buffer.from(body.toString("latin1"), "base64");
  if (node.encoding === "quoted-printable") {
    const text = body.toString("latin1").replace(/=\r?\n/g, "");
    return Buffer.from(
      text.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    );
  }
  return Buffer.from(body);
}

/** Leaf parts as mailparser walks them: into multiparts, not into attached messages. */
function leaves(node: MimeNode, out: MimeNode[] = []): MimeNode[] {
  if (node.children.length > 0) for (const c of node.children) leaves(c, out);
  else out.push(node);
  return out;
}

describe("parseMessage", () => {
  it("gives the full decoded view of a message", async () => {
    const parsed = await parseMessage(fixture("mixed-attachments.eml"));
    expect(parsed.subject).toBe("Monthly report");
    expect(parsed.from).toEqual([{ name: "", address: "reports@example.com" }]);
    expect(parsed.to).toEqual([{ name: "", address: "qa@run1.sandmail.test" }]);
    expect(parsed.date).toEqual(new Date("2023-03-01T12:00:00Z"));
    expect(parsed.messageId).toBe("<mixed-1@example.com>");
    expect(parsed.text).toBe("See the attached report.\n");
    expect(parsed.html).toBeUndefined();
    expect(parsed.headers.map((h) => h.name)).toEqual([
      "From",
      "To",
      "Subject",
      "Date",
      "Message-ID",
      "MIME-Version",
      "Content-Type",
    ]);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.disposition, a.contentId])).toEqual([
      ["report.pdf", "application/pdf", "attachment", undefined],
      ["logo.png", "image/png", "inline", "<logo@example.com>"],
    ]);
    const pdf = parsed.attachments[0]!;
    expect(pdf.content.subarray(0, 8).toString()).toBe("%PDF-1.4");
    expect(pdf.size).toBe(pdf.content.length);
    expect(pdf.checksum).toBe(createHash("md5").update(pdf.content).digest("hex"));
  });

  it("decodes encoded-word headers, text and html, keeps cid: links", async () => {
    const ew = await parseMessage(fixture("encoded-words.eml"));
    expect(ew.headers.find((h) => h.name === "Subject")?.value).toBe("Welcome 🎉 and café naïve");
    expect(ew.from).toEqual([{ name: "André Müller", address: "andre@example.com" }]);
    const nested = await parseMessage(fixture("nested.eml"));
    expect(nested.text).toBe("Plain body");
    expect(nested.html).toBe('<img src="cid:pic@x">');
    const qp = await parseMessage(fixture("quoted-printable.eml"));
    expect(qp.text).toContain(
      "Café au lait, a very long line that is soft-wrapped by the encoder so it fits.",
    );
    expect(qp.text).toContain("https://example.com/verify?token=abc123&x=1");
  });

  it("reads reply headers and leaves a missing Date undefined", async () => {
    const raw = Buffer.from(
      "From: a@example.com\r\nReply-To: Help <help@example.com>\r\nBcc: hidden@example.com\r\nIn-Reply-To: <p1@x>\r\nReferences: <p0@x> <p1@x>\r\nSubject: Re: hi\r\n\r\nok\r\n",
    );
    const parsed = await parseMessage(raw);
    expect(parsed.replyTo).toEqual([{ name: "Help", address: "help@example.com" }]);
    expect(parsed.bcc).toEqual([{ name: "", address: "hidden@example.com" }]);
    expect(parsed.inReplyTo).toBe("<p1@x>");
    expect(parsed.references).toEqual(["<p0@x>", "<p1@x>"]);
    expect(parsed.date).toBeUndefined();
  });

  it("does not throw on garbage", async () => {
    const parsed = await parseMessage(fixture("garbage.eml"));
    expect(parsed.subject).toBe("");
    expect(parsed.attachments).toEqual([]);
  });
});

describe("indexMessage agrees with mailparser on the corpus", () => {
  for (const file of readdirSync(fixtureDir).filter((f) => f.endsWith(".eml"))) {
    it(file, async () => {
      const raw = normalizeCrlf(fixture(file));
      const { summary, mime } = indexMessage(raw);
      const parsed = await parseMessage(raw);
      expect(summary.subject).toBe(parsed.subject);
      expect(summary.from).toEqual(parsed.from);
      expect(summary.to).toEqual(parsed.to);
      expect(summary.cc).toEqual(parsed.cc);
      expect(summary.messageId).toBe(parsed.messageId);
      // Every attachment mailparser finds is a leaf of our tree with the same type and, decoded
      // from our body offsets, the same bytes. Two known differences: mailparser guesses a type
      // from the file name for application/octet-stream, and it drops the line break that
      // Dovecot (and so our index) keeps after an attached message's inner close delimiter.
      const candidates = leaves(mime).map((n) => ({ n, content: decodeBody(raw, n) }));
      for (const att of parsed.attachments) {
        const match = candidates.find((c) => {
          const sameType =
            c.n.contentType === att.contentType || c.n.contentType === "application/octet-stream";
          const trimmed =
            c.n.contentType === "message/rfc822" && c.content.subarray(-2).toString() === "\r\n"
              ? c.content.subarray(0, -2)
              : c.content;
          return sameType && (c.content.equals(att.content) || trimmed.equals(att.content));
        });
        expect(
          match,
          `${file}: attachment ${att.filename ?? att.contentType} (${att.size} bytes)`,
        ).toBeDefined();
      }
    });
  }
});
