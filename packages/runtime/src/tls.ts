import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "@sandmail/core";
import { selfSignedCertificate } from "./self-signed.js";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** True when generated at start rather than read from SANDMAIL_TLS_CERT / SANDMAIL_TLS_KEY. */
  selfSigned: boolean;
}

/**
 * Reads the configured certificate; else the self-signed one kept in SANDMAIL_TLS_DIR (made there
 * on the first start, so mail clients accept it once and every process sharing the directory
 * presents the same one); else generates one for this start only.
 */
export async function loadTlsMaterial(config: Config): Promise<TlsMaterial> {
  if (config.SANDMAIL_TLS_CERT && config.SANDMAIL_TLS_KEY) {
    const [cert, key] = await Promise.all([
      readFile(config.SANDMAIL_TLS_CERT, "utf8"),
      readFile(config.SANDMAIL_TLS_KEY, "utf8"),
    ]);
    return { cert, key, selfSigned: false };
  }
  const make = () => selfSignedTls(config.SANDMAIL_PUBLIC_HOST ?? "localhost", config.SANDMAIL_DOMAIN);
  return config.SANDMAIL_TLS_DIR ? keptSelfSigned(config.SANDMAIL_TLS_DIR, make) : make();
}

const pemBlock = (pem: string, label: RegExp) =>
  new RegExp(`-----BEGIN ${label.source}-----[\\s\\S]+?-----END ${label.source}-----\\n?`).exec(pem)?.[0];

async function readKept(file: string): Promise<TlsMaterial | undefined> {
  const pem = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (pem === undefined) return undefined;
  const key = pemBlock(pem, /(?:EC |RSA )?PRIVATE KEY/);
  const cert = pemBlock(pem, /CERTIFICATE/);
  if (!key || !cert) throw new Error(`${file}: expected a private key and a certificate in PEM`);
  return { key, cert, selfSigned: true };
}

/**
 * One file holds key and certificate so that a reader never sees half a pair; it appears by a
 * hard link, which fails when another process got there first, and then that one's pair is used.
 */
async function keptSelfSigned(dir: string, make: () => Promise<TlsMaterial>): Promise<TlsMaterial> {
  const file = join(dir, "sandmail.pem");
  const kept = await readKept(file);
  if (kept) return kept;
  await mkdir(dir, { recursive: true });
  const made = await make();
  const temp = join(dir, `.sandmail.pem.${process.pid}`);
  await writeFile(temp, made.key + made.cert, { mode: 0o600 });
  try {
    await link(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    await rm(temp, { force: true });
  }
  // The certificate alone, for a trust store or a client's exception dialog.
  const winner = (await readKept(file)) ?? made;
  await writeFile(join(dir, "cert.pem"), winner.cert).catch(() => {});
  return winner;
}

export async function selfSignedTls(host = "localhost", domain = "sandmail.test"): Promise<TlsMaterial> {
  const names = [...new Set([host, "localhost", domain, `*.${domain}`, "127.0.0.1", "::1"])];
  const now = Date.now();
  const { key, cert } = selfSignedCertificate({
    commonName: host,
    altNames: names,
    // A little in the past, for clients whose clock is behind; 825 days is the most Apple accepts.
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 825 * 86_400_000),
  });
  return { key, cert, selfSigned: true };
}
