import { describe, expect, it } from "vitest";
import { parseAuthenticationResults } from "../../src/auth/index.js";

describe("parseAuthenticationResults", () => {
  it("reads a Gmail-style header with comments and several methods", () => {
    const [gmail] = parseAuthenticationResults([
      "mx.google.com;\r\n" +
        "       dkim=pass header.i=@example.com header.s=s1 header.b=Ab3dE+/f;\r\n" +
        "       spf=pass (google.com: domain of bounce@example.com designates 192.0.2.10 as permitted sender) smtp.mailfrom=bounce@example.com;\r\n" +
        "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com",
    ]);
    expect(gmail?.authservId).toBe("mx.google.com");
    expect(gmail?.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      "dkim=pass",
      "spf=pass",
      "dmarc=pass",
    ]);
    expect(gmail?.results[0]?.properties).toEqual({
      "header.i": "@example.com",
      "header.s": "s1",
      "header.b": "Ab3dE+/f",
    });
    expect(gmail?.results[1]).toMatchObject({
      comment: "google.com: domain of bounce@example.com designates 192.0.2.10 as permitted sender",
      properties: { "smtp.mailfrom": "bounce@example.com" },
    });
    expect(gmail?.results[2]?.comment).toBe("p=REJECT sp=REJECT dis=NONE");
  });

  it("reads a Microsoft-style header: keys without ptype, reason=, no space after ';'", () => {
    const [ms] = parseAuthenticationResults([
      "spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=example.com; dkim=none (message not signed) " +
        "header.d=none;dmarc=none action=none header.from=example.com;compauth=pass reason=100",
    ]);
    expect(ms?.authservId).toBe("spf=pass");
    // Microsoft omits the authserv-id; what follows still parses result by result.
    expect(ms?.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      "dkim=none",
      "dmarc=none",
      "compauth=pass",
    ]);
    expect(ms?.results[1]?.properties).toEqual({ action: "none", "header.from": "example.com" });
    expect(ms?.results[2]?.reason).toBe("100");
  });

  it("reads the field name, folding, a version, method versions and quoted values", () => {
    const [one] = parseAuthenticationResults([
      'Authentication-Results: mail.example.org 1;\r\n\tauth=pass (cram-md5) smtp.auth="sender name";\r\n' +
        '\tdkim/1=fail reason="bad signature" header.d=example.com (second (nested) comment)',
    ]);
    expect(one).toMatchObject({ authservId: "mail.example.org", version: 1 });
    expect(one?.results[0]).toMatchObject({
      method: "auth",
      result: "pass",
      comment: "cram-md5",
      properties: { "smtp.auth": "sender name" },
    });
    expect(one?.results[1]).toMatchObject({
      method: "dkim",
      methodVersion: 1,
      result: "fail",
      reason: "bad signature",
      comment: "second (nested) comment",
      properties: { "header.d": "example.com" },
    });
  });

  it("reads 'none' as a header without results", () => {
    expect(parseAuthenticationResults(["example.org 1; none"])).toEqual([
      { authservId: "example.org", version: 1, results: [], raw: "example.org 1; none" },
    ]);
  });

  it("keeps the order of several headers and lowercases methods, results and keys", () => {
    const parsed = parseAuthenticationResults([
      "mx2.example.net; SPF=SoftFail smtp.MailFrom=a@example.com",
      "mx1.example.net; arc=pass (i=2)",
    ]);
    expect(parsed.map((p) => p.authservId)).toEqual(["mx2.example.net", "mx1.example.net"]);
    expect(parsed[0]?.results[0]).toMatchObject({
      method: "spf",
      result: "softfail",
      properties: { "smtp.mailfrom": "a@example.com" },
    });
  });

  it("skips a malformed result and keeps the good ones; never throws on garbage", () => {
    const [mixed] = parseAuthenticationResults([
      "mx.example.net; dkim; spf=pass smtp.mailfrom=a@b.example; =;; (x",
    ]);
    expect(mixed?.results).toEqual([
      { method: "spf", result: "pass", properties: { "smtp.mailfrom": "a@b.example" } },
    ]);
    expect(parseAuthenticationResults(["", "   ", "(only a comment)", '"unterminated', "x; y=(z"])).toEqual([
      { authservId: "unterminated", results: [], raw: '"unterminated' },
      { authservId: "x", results: [], raw: "x; y=(z" },
    ]);
  });
});
