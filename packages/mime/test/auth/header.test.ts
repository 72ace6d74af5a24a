import { beforeAll, describe, expect, it, vi } from "vitest";
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

  /** The results of the message as received, and again as stored with sandmail's header on top. */
  async function beforeAndAfterPrepend(signed: Buffer) {
    const first = await authenticateMessage(signed, { ...ctx, records });
    const stored = Buffer.concat([Buffer.from(first.header), signed]);
    return { first, again: await authenticateMessage(stored, { ...ctx, records }) };
  }

  it("leaves the DKIM signature valid once prepended, and shows up in received next time", async () => {
    const { again } = await beforeAndAfterPrepend(await sign(message(), "example.com", "s1", key));
    expect(again.dkim[0]?.result).toBe("pass");
    expect(again.received).toHaveLength(1);
    expect(again.received[0]?.authservId).toBe("mx.sandmail.test");
  });

  it("has a valid signature to keep even when the clock turns a half second while signing", async () => {
    // The input of the CI flake (dkim=fail before and after the prepend), found with the test's
    // clock, key and Message-ID drawn from a seed: mailauth read Date.now() at 1764806400.498 s,
    // then after the RSA operation at .502 s, and without a fixed signTime it signed t=1764806400
    // but wrote t=1764806401. Every key and Message-ID fails with these two reads.
    let now = 1_764_806_400_498;
    const clock = vi.spyOn(Date, "now").mockImplementation(() => {
      now += 4;
      return now - 4;
    });
    let signed: Buffer;
    try {
      signed = await sign(message(), "example.com", "s1", key);
    } finally {
      clock.mockRestore();
    }
    const { first, again } = await beforeAndAfterPrepend(signed);
    expect(first.dkim[0]?.result).toBe("pass");
    expect(again.dkim[0]?.result).toBe("pass");
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
