import { beforeAll, describe, expect, it } from "vitest";
import { authenticateMessage } from "../../src/auth/index.js";
import { dkimKeyRecord, message, rsaKey, type SigningKey, sign, txt } from "./support.js";

const ctx = { ip: "198.51.100.7", helo: "mta.esp.example.net", mta: "mx.sandmail.test" };

describe("DMARC alignment", () => {
  let key: SigningKey;
  beforeAll(() => {
    key = rsaKey();
  });

  it("passes on an aligned DKIM signature even when SPF is for another domain", async () => {
    const raw = await sign(message({ from: "alice@example.com" }), "example.com", "s1", key);
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "bounces@esp.example.net",
      records: [
        dkimKeyRecord("s1", "example.com", key),
        txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=r"),
        txt("esp.example.net", "v=spf1 ip4:198.51.100.0/24 -all"),
      ],
    });
    expect(res.spf?.result).toBe("pass");
    expect(res.dkim[0]).toMatchObject({ result: "pass", aligned: true });
    expect(res.dmarc).toMatchObject({ result: "pass", domain: "example.com", policy: "reject" });
    expect(res.dmarc?.reason).toContain("dkim=example.com");
  });

  it("passes on a subdomain signature under relaxed alignment", async () => {
    const raw = await sign(message({ from: "alice@example.com" }), "mail.example.com", "s1", key);
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "bounces@esp.example.net",
      records: [
        dkimKeyRecord("s1", "mail.example.com", key),
        txt("_dmarc.example.com", "v=DMARC1; p=quarantine"),
      ],
    });
    expect(res.dmarc).toMatchObject({ result: "pass", policy: "quarantine" });
  });

  it("fails with p=reject when neither a passing DKIM nor a passing SPF domain aligns", async () => {
    // Both checks pass, but for the ESP's domain, not for the From domain.
    const raw = await sign(message({ from: "alice@example.com" }), "esp.example.net", "s1", key);
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "bounces@esp.example.net",
      records: [
        dkimKeyRecord("s1", "esp.example.net", key),
        txt("esp.example.net", "v=spf1 ip4:198.51.100.7 -all"),
        txt("_dmarc.example.com", "v=DMARC1; p=reject"),
      ],
    });
    expect(res.spf?.result).toBe("pass");
    expect(res.dkim[0]).toMatchObject({ result: "pass", aligned: false });
    expect(res.dmarc).toMatchObject({ result: "fail", domain: "example.com", policy: "reject" });
  });

  it("fails under strict alignment (adkim=s) for a subdomain signature", async () => {
    const raw = await sign(message({ from: "alice@example.com" }), "mail.example.com", "s1", key);
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "bounces@esp.example.net",
      records: [
        dkimKeyRecord("s1", "mail.example.com", key),
        txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s"),
      ],
    });
    expect(res.dmarc?.result).toBe("fail");
  });

  it("is none when the From domain publishes no DMARC record", async () => {
    const raw = await sign(message({ from: "alice@example.com" }), "example.com", "s1", key);
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "alice@example.com",
      records: [dkimKeyRecord("s1", "example.com", key)],
    });
    expect(res.dmarc).toMatchObject({ result: "none", domain: "example.com" });
    expect(res.dmarc?.policy).toBeUndefined();
  });

  it("writes dmarc with header.from into the Authentication-Results header", async () => {
    const raw = await sign(message({ from: "alice@example.com" }), "example.com", "s1", key);
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "alice@example.com",
      records: [dkimKeyRecord("s1", "example.com", key), txt("_dmarc.example.com", "v=DMARC1; p=none")],
    });
    expect(res.header).toMatch(/\tdmarc=pass \(.*\) header\.from=example\.com policy\.dmarc=none\r\n$/);
  });

  it("passes on aligned SPF alone under relaxed alignment, and fails under aspf=s", async () => {
    const unsigned = message({ from: "alice@example.com" });
    const spf = txt("bounce.example.com", "v=spf1 ip4:198.51.100.7 -all");
    const relaxed = await authenticateMessage(unsigned, {
      ...ctx,
      mailFrom: "b@bounce.example.com",
      records: [spf, txt("_dmarc.example.com", "v=DMARC1; p=reject")],
    });
    expect(relaxed.dmarc).toMatchObject({ result: "pass", policy: "reject" });
    expect(relaxed.dmarc?.reason).toContain("spf=bounce.example.com");

    const strict = await authenticateMessage(unsigned, {
      ...ctx,
      mailFrom: "b@bounce.example.com",
      records: [spf, txt("_dmarc.example.com", "v=DMARC1; p=reject; aspf=s")],
    });
    expect(strict.spf?.result).toBe("pass");
    expect(strict.dmarc?.result).toBe("fail");
  });

  it("applies the organisational domain's sp= policy to a subdomain From", async () => {
    const raw = message({ from: "alerts@notify.example.com" });
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "alerts@esp.example.net",
      records: [txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine")],
    });
    expect(res.dmarc).toMatchObject({ result: "fail", domain: "notify.example.com", policy: "quarantine" });
  });

  it("is null for a message without a From address", async () => {
    const raw = Buffer.from("To: bob@run1.sandmail.test\r\nSubject: no from\r\n\r\nbody\r\n");
    const res = await authenticateMessage(raw, { ...ctx, mailFrom: "x@example.com", records: [] });
    expect(res.dmarc).toBeNull();
  });
});
