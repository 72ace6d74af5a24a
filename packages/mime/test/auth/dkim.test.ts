import { beforeAll, describe, expect, it } from "vitest";
import { authenticateMessage } from "../../src/auth/index.js";
import { alterBody, dkimKeyRecord, ed25519Key, message, rsaKey, type SigningKey, sign } from "./support.js";

const ctx = {
  ip: "192.0.2.10",
  helo: "mail.example.com",
  mailFrom: "alice@example.com",
  mta: "mx.sandmail.test",
};

describe("DKIM against per-run DNS records", () => {
  let rsa: SigningKey;
  let ed: SigningKey;
  beforeAll(() => {
    rsa = rsaKey();
    ed = ed25519Key();
  });

  it("passes an RSA-SHA256 signature whose key is in the run's records", async () => {
    const raw = await sign(message(), "example.com", "rsa2048", rsa);
    const res = await authenticateMessage(raw, {
      ...ctx,
      records: [dkimKeyRecord("rsa2048", "example.com", rsa)],
    });
    expect(res.dkim).toHaveLength(1);
    expect(res.dkim[0]).toMatchObject({
      result: "pass",
      domain: "example.com",
      selector: "rsa2048",
      algorithm: "rsa-sha256",
      aligned: true,
    });
  });

  it("fails an RSA signature when the body was altered after signing", async () => {
    const raw = alterBody(await sign(message(), "example.com", "rsa2048", rsa));
    const res = await authenticateMessage(raw, {
      ...ctx,
      records: [dkimKeyRecord("rsa2048", "example.com", rsa)],
    });
    expect(res.dkim[0]?.result).toBe("fail");
    expect(res.dkim[0]?.reason).toBe("body hash did not verify");
  });

  it("fails an RSA signature checked against a different published key", async () => {
    const raw = await sign(message(), "example.com", "rsa2048", rsa);
    const other = rsaKey();
    const res = await authenticateMessage(raw, {
      ...ctx,
      records: [dkimKeyRecord("rsa2048", "example.com", other)],
    });
    expect(res.dkim[0]?.result).toBe("fail");
    expect(res.dkim[0]?.reason).toBe("bad signature");
  });

  it("passes an Ed25519-SHA256 signature (RFC 8463 key record)", async () => {
    const raw = await sign(message(), "example.com", "ed", ed);
    const res = await authenticateMessage(raw, { ...ctx, records: [dkimKeyRecord("ed", "example.com", ed)] });
    expect(res.dkim[0]).toMatchObject({
      result: "pass",
      domain: "example.com",
      selector: "ed",
      algorithm: "ed25519-sha256",
    });
  });

  it("fails an Ed25519 signature when the body was altered after signing", async () => {
    const raw = alterBody(await sign(message(), "example.com", "ed", ed));
    const res = await authenticateMessage(raw, { ...ctx, records: [dkimKeyRecord("ed", "example.com", ed)] });
    expect(res.dkim[0]?.result).toBe("fail");
  });

  it("fails an Ed25519 signature when a signed header was altered", async () => {
    const signed = await sign(message({ subject: "Original subject" }), "example.com", "ed", ed);
    const raw = Buffer.from(signed.toString("utf8").replace("Original subject", "Forged subject"));
    const res = await authenticateMessage(raw, { ...ctx, records: [dkimKeyRecord("ed", "example.com", ed)] });
    expect(res.dkim[0]?.result).toBe("fail");
    expect(res.dkim[0]?.reason).toBe("bad signature");
  });

  it("reports every signature, in header order, with its own result", async () => {
    const once = await sign(message(), "example.com", "rsa2048", rsa);
    const twice = await sign(once, "esp.example.net", "ed", ed);
    const res = await authenticateMessage(twice, {
      ...ctx,
      records: [dkimKeyRecord("rsa2048", "example.com", rsa)], // no key for esp.example.net
    });
    expect(res.dkim.map((d) => [d.domain, d.result, d.aligned])).toEqual([
      ["esp.example.net", "neutral", false],
      ["example.com", "pass", true],
    ]);
    expect(res.dkim[0]?.reason).toBe("no key");
  });

  it("reports a signature mailauth cannot process as permerror instead of dropping it", async () => {
    const bogus =
      "DKIM-Signature: v=1; a=rsa-md5; c=relaxed/relaxed; d=example.com; s=old;\r\n" +
      " h=From:To:Subject; bh=AAAA; b=QUJDREVGR0hJSktM\r\n";
    const raw = Buffer.concat([Buffer.from(bogus), message()]);
    const res = await authenticateMessage(raw, { ...ctx, records: [] });
    expect(res.dkim).toEqual([
      expect.objectContaining({
        result: "permerror",
        domain: "example.com",
        selector: "old",
        algorithm: "rsa-md5",
      }),
    ]);
  });

  it("reports no DKIM results for an unsigned message", async () => {
    const res = await authenticateMessage(message(), { ...ctx, records: [] });
    expect(res.dkim).toEqual([]);
    expect(res.header).toContain("dkim=none (message not signed)");
  });
});
