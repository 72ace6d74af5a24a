import { readFile } from "node:fs/promises";
import type { Config } from "@sandmail/core";
import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** True when generated at start rather than read from SANDMAIL_TLS_CERT / SANDMAIL_TLS_KEY. */
  selfSigned: boolean;
}

/** Reads the configured certificate, or generates a self-signed one valid for this host. */
export async function loadTlsMaterial(config: Config): Promise<TlsMaterial> {
  if (config.SANDMAIL_TLS_CERT && config.SANDMAIL_TLS_KEY) {
    const [cert, key] = await Promise.all([
      readFile(config.SANDMAIL_TLS_CERT, "utf8"),
      readFile(config.SANDMAIL_TLS_KEY, "utf8"),
    ]);
    return { cert, key, selfSigned: false };
  }
  return selfSignedTls(config.SANDMAIL_PUBLIC_HOST ?? "localhost", config.SANDMAIL_DOMAIN);
}

export async function selfSignedTls(host = "localhost", domain = "sandmail.test"): Promise<TlsMaterial> {
  const names = [...new Set([host, "localhost", domain, `*.${domain}`])];
  // EC keys generate in milliseconds; a 2048-bit RSA key can take a second on a small machine.
  const pems = await generate([{ name: "commonName", value: host }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 825 * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...names.map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: "127.0.0.1" },
          { type: 7 as const, ip: "::1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, selfSigned: true };
}
