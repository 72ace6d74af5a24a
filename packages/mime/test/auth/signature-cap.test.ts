import { describe, expect, it } from "vitest";
import { authenticateMessage, MAX_DKIM_SIGNATURES } from "../../src/auth/index.js";
import { withoutExcessSignatures } from "../../src/auth/signature-cap.js";
import { dkimKeyRecord, message, rsaKey, sign } from "./support.js";

const ctx = {
  ip: "192.0.2.10",
  helo: "mail.example.com",
  mailFrom: "alice@example.com",
  mta: "mx.sandmail.test",
};

/** Unverifiable signatures, each asking for its own body hash (a different l=). */
function junkSignatures(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    out += `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=junk${i}.example; s=s; l=${i + 1};\r\n\th=from; bh=AAAA; b=junk${i}\r\n`;
  }
  return out;
}

describe("at most MAX_DKIM_SIGNATURES signatures are verified", () => {
  it("verifies the first ones (a real pass among them) and reports the rest neutral", async () => {
    const key = rsaKey();
    const raw = await sign(message(), "example.com", "sel", key);
    // The valid signature is topmost; junk piles up below it, up to 3 past the cap.
    const firstFieldEnd = raw.indexOf("\r\nFrom:", 0);
    expect(firstFieldEnd).toBeGreaterThan(0);
    const piled = Buffer.concat([
      raw.subarray(0, firstFieldEnd + 2),
      Buffer.from(junkSignatures(MAX_DKIM_SIGNATURES + 2)),
      raw.subarray(firstFieldEnd + 2),
    ]);
    const res = await authenticateMessage(piled, {
      ...ctx,
      records: [dkimKeyRecord("sel", "example.com", key)],
    });
    expect(res.dkim).toHaveLength(MAX_DKIM_SIGNATURES + 3);
    expect(res.dkim[0]).toMatchObject({ result: "pass", domain: "example.com" });
    const capped = res.dkim.slice(MAX_DKIM_SIGNATURES);
    expect(capped).toHaveLength(3);
    for (const r of capped) {
      expect(r.result).toBe("neutral");
      expect(r.reason).toContain("too many signatures");
    }
    // The junk within the cap was verified (and failed), not skipped.
    for (const r of res.dkim.slice(1, MAX_DKIM_SIGNATURES)) expect(r.reason ?? "").not.toContain("too many");
  });

  it("leaves the message as it is for verification when it has no more than the cap", () => {
    const raw = Buffer.from(`${junkSignatures(2)}From: a@example.com\r\n\r\nbody\r\n`);
    expect(withoutExcessSignatures(raw, 2)).toBe(raw);
    const cut = withoutExcessSignatures(raw, 1).toString();
    expect(cut).toBe(`${junkSignatures(1)}From: a@example.com\r\n\r\nbody\r\n`);
  });

  it("never looks past the header block", () => {
    const raw = Buffer.from(`From: a@example.com\r\n\r\n${junkSignatures(3)}`);
    expect(withoutExcessSignatures(raw, 0)).toBe(raw);
  });
});
