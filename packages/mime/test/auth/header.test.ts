import { beforeAll, describe, expect, it } from "vitest";
import { authenticateMessage, parseAuthenticationResults } from "../../src/auth/index.js";
import { dkimKeyRecord, message, rsaKey, type SigningKey, sign, txt } from "./support.js";

const ctx = {
  ip: "192.0.2.10",
  helo: "mail.example.com",
  mailFrom: "alice@example.com",
  mta: "mx.sandmail.test",
};

describe("the Authentication-Results header sandmail prepends", () => {
  let key: SigningKey;
  let records: ReturnType<typeof txt>[];
  beforeAll(() => {
    key = rsaKey();
    records = [
      dkimKeyRecord("s1", "example.com", key),
      txt("example.com", "v=spf1 ip4:192.0.2.10 -all"),
      txt("_dmarc.example.com", "v=DMARC1; p=reject"),
    ];
  });

  it("is a folded header field named for the MTA, ending in CRLF", async () => {
    const res = await authenticateMessage(await sign(message(), "example.com", "s1", key), {
      ...ctx,
      records,
    });
    expect(res.header.startsWith("Authentication-Results: mx.sandmail.test;\r\n\t")).toBe(true);
    expect(res.header.endsWith("\r\n")).toBe(true);
    for (const line of res.header.split("\r\n").slice(1, -1)) expect(line.startsWith("\t")).toBe(true);
  });

  it("parses back into the same results", async () => {
    const res = await authenticateMessage(await sign(message(), "example.com", "s1", key), {
      ...ctx,
      records,
    });
    const [parsed] = parseAuthenticationResults([res.header]);
    expect(parsed?.authservId).toBe("mx.sandmail.test");
    expect(parsed?.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      "dkim=pass",
      "spf=pass",
      "arc=none",
      "dmarc=pass",
    ]);
    expect(parsed?.results[0]?.properties).toMatchObject({ "header.d": "example.com", "header.s": "s1" });
    expect(parsed?.results[1]?.properties["smtp.mailfrom"]).toBe("alice@example.com");
    expect(parsed?.results[3]?.properties["header.from"]).toBe("example.com");
  });

  it("leaves the DKIM signature valid once prepended, and shows up in received next time", async () => {
    const signed = await sign(message(), "example.com", "s1", key);
    const first = await authenticateMessage(signed, { ...ctx, records });
    const stored = Buffer.concat([Buffer.from(first.header), signed]);
    const again = await authenticateMessage(stored, { ...ctx, records });
    expect(again.dkim[0]?.result).toBe("pass");
    expect(again.received).toHaveLength(1);
    expect(again.received[0]?.authservId).toBe("mx.sandmail.test");
  });

  it("quotes an authserv-id or reason that is not a plain token, and escapes comment parentheses", async () => {
    const res = await authenticateMessage(message(), {
      ...ctx,
      mta: "odd mta;name",
      records: [txt("example.com", "v=spf1 ip4:192.0.2.10 -all")],
      helo: "mail.example.com",
    });
    expect(res.header.startsWith('Authentication-Results: "odd mta;name";')).toBe(true);
    const [parsed] = parseAuthenticationResults([res.header]);
    expect(parsed?.authservId).toBe("odd mta;name");
    expect(parsed?.results.find((r) => r.method === "spf")?.result).toBe("pass");
  });
});
