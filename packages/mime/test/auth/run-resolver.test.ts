import { describe, expect, it } from "vitest";
import { createRunResolver } from "../../src/auth/index.js";

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  throw new Error("expected the lookup to fail");
}

describe("createRunResolver", () => {
  const records = [
    { name: "example.com", type: "TXT" as const, values: ["v=spf1 ip4:192.0.2.10 -all", "google-site=abc"] },
    { name: "example.com", type: "MX" as const, values: ["10 mx1.example.com.", "mx2.example.com"] },
    { name: "relay.example.com", type: "A" as const, values: ["203.0.113.5"] },
    { name: "s1._domainkey.example.com", type: "CNAME" as const, values: ["s1.dkim.esp.example.net"] },
    { name: "s1.dkim.esp.example.net", type: "TXT" as const, values: ["v=DKIM1; p=QUJD"] },
    { name: "loop-a.example.com", type: "CNAME" as const, values: ["loop-b.example.com"] },
    { name: "loop-b.example.com", type: "CNAME" as const, values: ["loop-a.example.com"] },
  ];
  const resolve = createRunResolver(records);

  it("answers TXT as one whole string per record, the chunk shape of dns.promises", async () => {
    expect(await resolve("example.com", "TXT")).toEqual([
      ["v=spf1 ip4:192.0.2.10 -all"],
      ["google-site=abc"],
    ]);
  });

  it("matches names case-insensitively and ignores a trailing dot", async () => {
    expect(await resolve("Relay.EXAMPLE.com.", "A")).toEqual(["203.0.113.5"]);
  });

  it("answers MX as priority/exchange objects", async () => {
    expect(await resolve("example.com", "MX")).toEqual([
      { priority: 10, exchange: "mx1.example.com" },
      { priority: 0, exchange: "mx2.example.com" },
    ]);
  });

  it("follows a CNAME to the record it points at", async () => {
    expect(await resolve("s1._domainkey.example.com", "TXT")).toEqual([["v=DKIM1; p=QUJD"]]);
  });

  it("says ENOTFOUND for a name the run did not set (offline by default)", async () => {
    expect(await codeOf(resolve("unknown.example.org", "TXT"))).toBe("ENOTFOUND");
  });

  it("says ENODATA for a set name without records of the asked type", async () => {
    expect(await codeOf(resolve("relay.example.com", "TXT"))).toBe("ENODATA");
  });

  it("stops a CNAME loop with a failure instead of spinning", async () => {
    expect(await codeOf(resolve("loop-a.example.com", "TXT"))).toBe("ESERVFAIL");
  });

  it("asks the fallback only for names the run did not set", async () => {
    const asked: string[] = [];
    const withFallback = createRunResolver(records, {
      resolve: async (name, rrtype) => {
        asked.push(`${name}/${rrtype}`);
        return [["v=spf1 -all"]];
      },
    });
    expect(await withFallback("elsewhere.example.org", "TXT")).toEqual([["v=spf1 -all"]]);
    expect(await codeOf(withFallback("relay.example.com", "TXT"))).toBe("ENODATA");
    expect(asked).toEqual(["elsewhere.example.org/TXT"]);
  });

  it("passes the fallback's own failure codes through", async () => {
    const withFallback = createRunResolver([], {
      resolve: async () => {
        throw Object.assign(new Error("queryTxt ENODATA x"), { code: "ENODATA" });
      },
    });
    expect(await codeOf(withFallback("x.example.org", "TXT"))).toBe("ENODATA");
  });

  it("gives up on a fallback that never answers with ETIMEOUT after its timeout", async () => {
    const hung = createRunResolver([], { resolve: () => new Promise(() => {}), timeoutMs: 20 });
    expect(await codeOf(hung("slow.example.org", "TXT"))).toBe("ETIMEOUT");
  });
});
