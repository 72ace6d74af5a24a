import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { connect, createServer } from "node:tls";
import { describe, expect, it } from "vitest";
import { selfSignedCertificate } from "../src/self-signed.js";
import { selfSignedTls } from "../src/tls.js";

describe("the self-signed certificate", () => {
  it("is a valid X.509 v3 certificate signed by its own key, for the names and addresses asked", async () => {
    const { key, cert } = await selfSignedTls("mail.example.org", "sandmail.test");
    const x509 = new X509Certificate(cert);
    expect(x509.verify(createPublicKey(createPrivateKey(key)))).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.subject).toBe("CN=mail.example.org");
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    for (const host of ["mail.example.org", "localhost", "sandmail.test"])
      expect(x509.checkHost(host)).toBe(host);
    // Any run's domain, through the wildcard name.
    expect(x509.checkHost("run-1.sandmail.test")).toBe("*.sandmail.test");
    expect(x509.checkHost("other.example")).toBeUndefined();
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x509.checkIP("::1")).toBe("::1");
    expect(x509.checkIP("10.0.0.1")).toBeUndefined();
    expect(Date.parse(x509.validFrom)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(x509.validTo)).toBeGreaterThan(Date.now() + 800 * 86_400_000);
  });

  it("encodes long names, full IPv6 addresses and dates from 2050 on (GeneralizedTime)", () => {
    const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.example`;
    const { cert } = selfSignedCertificate({
      commonName: long,
      altNames: [long, "2001:db8::8:800:200c:417a", "fe80::1"],
      notBefore: new Date("2049-12-31T23:00:00Z"),
      notAfter: new Date("2051-06-01T00:00:00Z"),
    });
    const x509 = new X509Certificate(cert);
    expect(x509.checkHost(long)).toBe(long);
    expect(x509.checkIP("2001:db8::8:800:200c:417a")).toBe("2001:db8::8:800:200c:417a");
    expect(x509.checkIP("fe80::1")).toBe("fe80::1");
    expect(new Date(x509.validFrom).toISOString()).toBe("2049-12-31T23:00:00.000Z");
    expect(new Date(x509.validTo).toISOString()).toBe("2051-06-01T00:00:00.000Z");
  });

  it("serves TLS that a client trusting the certificate verifies, by name and by address", async () => {
    const tls = await selfSignedTls("localhost", "sandmail.test");
    const server = createServer({ key: tls.key, cert: tls.cert }, (socket) => socket.end("hello\n"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      for (const servername of ["localhost", "imap.sandmail.test", undefined]) {
        const socket = connect({
          host: "127.0.0.1",
          port,
          ca: tls.cert,
          ...(servername ? { servername } : {}),
        });
        await once(socket, "secureConnect");
        expect(socket.authorized).toBe(true);
        const [data] = (await once(socket, "data")) as [Buffer];
        expect(data.toString()).toBe("hello\n");
        socket.destroy();
      }
    } finally {
      server.close();
    }
  });
});
