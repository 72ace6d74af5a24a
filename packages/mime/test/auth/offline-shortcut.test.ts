import { describe, expect, it } from "vitest";
import { authenticateMessage } from "../../src/auth/authenticate.js";
import type { AuthContext } from "../../src/auth/types.js";

const base: AuthContext = {
  ip: "192.0.2.10",
  helo: "client.example",
  mailFrom: "bounce@Mail.Example.NET",
  mta: "sandmail",
  records: [],
};

const messages = [
  "From: Foo <no-reply@Example.COM>\r\nSubject: x\r\n\r\nhi\r\n",
  "From: bare@sub.example.org\r\nTo: a@b.example\r\n\r\nbody\r\n",
  'From: "Quoted, Name" <q@example.com>\r\nSubject: y\r\n\r\n',
  "From: =?utf-8?q?J=C3=B6rg?= <j@xn--exmple-cua.example>\r\n\r\nz\r\n",
];

const contexts: AuthContext[] = [
  base,
  { ...base, ip: "2001:db8::1" },
  { ...base, mailFrom: "x@example.com", helo: "[192.0.2.10]" },
  { ...base, mta: "mx.sandmail.test" },
];

describe("the offline shortcut for unsigned mail", () => {
  it("answers exactly what the full checks answer", async () => {
    let compared = 0;
    for (const text of messages) {
      for (const ctx of contexts) {
        const raw = Buffer.from(text);
        const fast = await authenticateMessage(raw, ctx);
        const full = await authenticateMessage(raw, ctx, { shortcut: false });
        expect(fast, `${text.split("\r\n")[0]} / ${ctx.ip}`).toEqual(full);
        compared++;
      }
    }
    expect(compared).toBe(16);
  });

  it("is not taken for signed mail, several From addresses or when the run has records", async () => {
    const signed = Buffer.from(
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; h=from; bh=x; b=y\r\nFrom: a@example.com\r\n\r\nx\r\n",
    );
    expect((await authenticateMessage(signed, base)).dkim).toHaveLength(1);
    const two = Buffer.from("From: a@example.com, b@example.org\r\n\r\nx\r\n");
    expect((await authenticateMessage(two, base)).dmarc?.result).toBe("permerror");
    const withSpf = await authenticateMessage(Buffer.from(messages[0] ?? ""), {
      ...base,
      records: [{ name: "mail.example.net", type: "TXT", values: ["v=spf1 ip4:192.0.2.0/24 -all"] }],
    });
    expect(withSpf.spf?.result).toBe("pass");
  });
});
