import { beforeAll, describe, expect, it } from "vitest";
import { authenticateMessage } from "../../src/auth/index.js";
import { dkimKeyRecord, message, rsaKey, type SigningKey, sign, txt } from "./support.js";

const ctx = {
  ip: "192.0.2.10",
  helo: "mail.example.com",
  mailFrom: "alice@example.com",
  mta: "mx.sandmail.test",
};

describe("offline default and the time bound", () => {
  let key: SigningKey;
  beforeAll(() => {
    key = rsaKey();
  });

  it("answers 'no record' offline: none for SPF, DMARC and ARC, no error", async () => {
    const res = await authenticateMessage(message(), { ...ctx, records: [] });
    expect(res.spf).toMatchObject({ result: "none", domain: "example.com" });
    expect(res.dmarc).toMatchObject({ result: "none", domain: "example.com" });
    expect(res.arc).toEqual({ result: "none" });
    expect(res.dkim).toEqual([]);
  });

  it("is neutral (no key) for a signature whose key is not published, offline", async () => {
    const raw = await sign(message(), "example.com", "s1", key);
    const res = await authenticateMessage(raw, { ...ctx, records: [] });
    expect(res.dkim[0]).toMatchObject({ result: "neutral", reason: "no key", domain: "example.com" });
  });

  it("cuts off a fallback resolver that never answers: temperror at the deadline", async () => {
    const raw = await sign(message(), "example.com", "s1", key);
    let asked = 0;
    const res = await authenticateMessage(raw, {
      ...ctx,
      records: [],
      // The fallback's own bound is far beyond the test's timeout: only timeoutMs can end this.
      fallback: {
        resolve: () => {
          asked++;
          return new Promise(() => {});
        },
        timeoutMs: 600_000,
      },
      timeoutMs: 300,
    });
    expect(asked).toBeGreaterThan(0);
    expect(res.spf?.result).toBe("temperror");
    expect(res.dkim[0]).toMatchObject({ result: "temperror", domain: "example.com", selector: "s1" });
    expect(res.dmarc?.result).toBe("temperror");
    expect(res.header).toContain("spf=temperror");
  }, 10_000);

  it("keeps the answers from the run's records when only the fallback hangs", async () => {
    const raw = await sign(message(), "example.com", "s1", key);
    const res = await authenticateMessage(raw, {
      ...ctx,
      mailFrom: "bounce@elsewhere.example.org", // SPF for this domain goes to the fallback
      records: [dkimKeyRecord("s1", "example.com", key), txt("_dmarc.example.com", "v=DMARC1; p=reject")],
      fallback: { resolve: () => new Promise(() => {}), timeoutMs: 600_000 },
      timeoutMs: 300,
    });
    expect(res.spf?.result).toBe("temperror");
    expect(res.dkim[0]?.result).toBe("pass");
    expect(res.dmarc?.result).toBe("pass");
  }, 10_000);

  it("uses the fallback's answers for names the run did not set", async () => {
    const res = await authenticateMessage(message(), {
      ...ctx,
      records: [],
      fallback: {
        resolve: async (name, rrtype) => {
          if (name === "example.com" && rrtype === "TXT") return [["v=spf1 ip4:192.0.2.10 -all"]];
          throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: "ENOTFOUND" });
        },
      },
    });
    expect(res.spf?.result).toBe("pass");
    expect(res.dmarc?.result).toBe("none");
  });

  it("says DMARC temperror, not fail, when only a timed-out SPF check could have aligned", async () => {
    const res = await authenticateMessage(message(), {
      ...ctx,
      records: [txt("_dmarc.example.com", "v=DMARC1; p=reject")],
      fallback: { resolve: () => new Promise(() => {}), timeoutMs: 600_000 },
      timeoutMs: 300,
    });
    expect(res.spf?.result).toBe("temperror");
    expect(res.dmarc).toMatchObject({ result: "temperror", domain: "example.com", policy: "reject" });
  }, 10_000);

  it("never throws on input that is not a message", async () => {
    for (const raw of [Buffer.alloc(0), Buffer.from("\r\n\r\n"), Buffer.from("garbage without headers")]) {
      const res = await authenticateMessage(raw, { ...ctx, records: [] });
      expect(res.dkim).toEqual([]);
      expect(res.dmarc).toBeNull();
      expect(res.spf?.result).toBe("none");
    }
  });
});
