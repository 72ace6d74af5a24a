import { beforeAll, describe, expect, it } from "vitest";
import { authenticateMessage } from "../../src/auth/index.js";
import {
  alterBody,
  dkimKeyRecord,
  ed25519Key,
  forwardAndSeal,
  message,
  rsaKey,
  type SigningKey,
  sign,
  txt,
} from "./support.js";

/*
 * The path: example.com signs (Ed25519) and sends from 192.0.2.10; a forwarder
 * (fwd.example.net) checks it, seals it with ARC and relays it from its own address,
 * where SPF for example.com no longer passes.
 */
describe("ARC chain", () => {
  let author: SigningKey;
  let arcKey: SigningKey;
  let records: ReturnType<typeof txt>[];
  beforeAll(() => {
    author = ed25519Key();
    arcKey = rsaKey();
    records = [
      dkimKeyRecord("ed", "example.com", author),
      txt("example.com", "v=spf1 ip4:192.0.2.10 -all"),
      txt("_dmarc.example.com", "v=DMARC1; p=reject"),
      dkimKeyRecord("arc2025", "fwd.example.net", arcKey),
    ];
  });

  const relayed = {
    ip: "198.51.100.20",
    helo: "mx.fwd.example.net",
    mailFrom: "alice@example.com",
    mta: "mx.sandmail.test",
  };

  async function sealed(): Promise<Buffer> {
    const signed = await sign(message(), "example.com", "ed", author);
    return forwardAndSeal(signed, {
      records,
      domain: "fwd.example.net",
      selector: "arc2025",
      key: arcKey,
      mta: "mx.fwd.example.net",
    });
  }

  it("passes a chain sealed by the forwarder", async () => {
    const res = await authenticateMessage(await sealed(), { ...relayed, records });
    expect(res.arc).toMatchObject({ result: "pass", instance: 1 });
    expect(res.spf?.result).toBe("fail");
    expect(res.header).toMatch(/\tarc=pass \(i=1 /);
  });

  it("fails the chain when the message was altered after sealing", async () => {
    const res = await authenticateMessage(alterBody(await sealed()), { ...relayed, records });
    expect(res.arc).toMatchObject({ result: "fail", instance: 1 });
    expect(res.dkim[0]?.result).toBe("fail");
  });

  it("fails the chain when the seal's key is not the one published", async () => {
    const other = rsaKey();
    const swapped = records.map((r) =>
      r.name === "arc2025._domainkey.fwd.example.net"
        ? dkimKeyRecord("arc2025", "fwd.example.net", other)
        : r,
    );
    const res = await authenticateMessage(await sealed(), { ...relayed, records: swapped });
    expect(res.arc?.result).toBe("fail");
  });

  it("is none for a message without ARC headers", async () => {
    const signed = await sign(message(), "example.com", "ed", author);
    const res = await authenticateMessage(signed, { ...relayed, records });
    expect(res.arc).toEqual({ result: "none" });
  });

  it("reads the forwarder's own Authentication-Results into received", async () => {
    const res = await authenticateMessage(await sealed(), { ...relayed, records });
    expect(res.received).toHaveLength(1);
    const fwd = res.received[0]!;
    expect(fwd.authservId).toBe("mx.fwd.example.net");
    expect(fwd.results.find((r) => r.method === "spf")).toMatchObject({
      result: "pass",
      properties: { "smtp.mailfrom": "alice@example.com" },
    });
    expect(fwd.results.find((r) => r.method === "dkim")).toMatchObject({
      result: "pass",
      properties: { "header.s": "ed" },
    });
    expect(fwd.results.find((r) => r.method === "dmarc")?.result).toBe("pass");
  });
});
