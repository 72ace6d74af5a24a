import { describe, expect, it } from "vitest";
import { authenticateMessage } from "../../src/auth/index.js";
import { message, txt } from "./support.js";

const base = { helo: "mail.example.com", mailFrom: "bounce@example.com", mta: "mx.sandmail.test" };

describe("SPF for the envelope sender and client IP", () => {
  it("passes when the client IP is in the sender domain's record", async () => {
    const records = [txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all")];
    const res = await authenticateMessage(message(), { ...base, ip: "192.0.2.10", records });
    expect(res.spf).toMatchObject({ result: "pass", domain: "example.com" });
  });

  it("treats an IPv4-mapped IPv6 client address as the IPv4 address", async () => {
    const records = [txt("example.com", "v=spf1 ip4:192.0.2.10 -all")];
    const res = await authenticateMessage(message(), { ...base, ip: "::ffff:192.0.2.10", records });
    expect(res.spf?.result).toBe("pass");
  });

  it("passes an IPv6 client through an include: of another record", async () => {
    const records = [
      txt("example.com", "v=spf1 include:_spf.esp.example.net -all"),
      txt("_spf.esp.example.net", "v=spf1 ip6:2001:db8::/32 -all"),
    ];
    const res = await authenticateMessage(message(), { ...base, ip: "2001:db8::25", records });
    expect(res.spf?.result).toBe("pass");
  });

  it("passes through an a: mechanism resolved from the run's A records", async () => {
    const records = [
      txt("example.com", "v=spf1 a:relay.example.com -all"),
      { name: "relay.example.com", type: "A" as const, values: ["203.0.113.5"] },
    ];
    const res = await authenticateMessage(message(), { ...base, ip: "203.0.113.5", records });
    expect(res.spf?.result).toBe("pass");
  });

  it("fails with -all when the client IP is not in the record", async () => {
    const records = [txt("example.com", "v=spf1 ip4:192.0.2.10 -all")];
    const res = await authenticateMessage(message(), { ...base, ip: "198.51.100.7", records });
    expect(res.spf).toMatchObject({ result: "fail", domain: "example.com" });
    expect(res.spf?.reason).toContain("does not designate 198.51.100.7");
  });

  it("softfails with ~all", async () => {
    const records = [txt("example.com", "v=spf1 ip4:192.0.2.10 ~all")];
    const res = await authenticateMessage(message(), { ...base, ip: "198.51.100.7", records });
    expect(res.spf?.result).toBe("softfail");
  });

  it("is neutral with ?all", async () => {
    const records = [txt("example.com", "v=spf1 ?all")];
    const res = await authenticateMessage(message(), { ...base, ip: "198.51.100.7", records });
    expect(res.spf?.result).toBe("neutral");
  });

  it("is none when the sender domain publishes no SPF record", async () => {
    const records = [txt("example.com", "some-site-verification=abc123")];
    const res = await authenticateMessage(message(), { ...base, ip: "192.0.2.10", records });
    expect(res.spf).toMatchObject({ result: "none", domain: "example.com" });
  });

  it("is permerror for two SPF records on one name", async () => {
    const records = [{ name: "example.com", type: "TXT" as const, values: ["v=spf1 -all", "v=spf1 +all"] }];
    const res = await authenticateMessage(message(), { ...base, ip: "192.0.2.10", records });
    expect(res.spf?.result).toBe("permerror");
  });

  it("checks postmaster@HELO for a null sender", async () => {
    const records = [txt("mail.example.com", "v=spf1 ip4:192.0.2.10 -all")];
    const res = await authenticateMessage(message(), { ...base, mailFrom: "", ip: "192.0.2.10", records });
    expect(res.spf).toMatchObject({ result: "pass", domain: "mail.example.com" });
  });

  it("writes the result into the Authentication-Results header with smtp.mailfrom", async () => {
    const records = [txt("example.com", "v=spf1 ip4:192.0.2.10 -all")];
    const res = await authenticateMessage(message(), { ...base, ip: "198.51.100.7", records });
    expect(res.header).toMatch(
      /\r\n\tspf=fail \(.*\) smtp\.mailfrom=bounce@example\.com smtp\.helo=mail\.example\.com;/,
    );
  });

  it("is null, not an error, when the client address is not an IP", async () => {
    const res = await authenticateMessage(message(), { ...base, ip: "unknown", records: [] });
    expect(res.spf).toBeNull();
  });
});
