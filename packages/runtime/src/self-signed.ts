import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";

/**
 * A self-signed X.509 certificate (P-256, ECDSA with SHA-256), written out in DER by hand. Node's
 * crypto makes the key, exports its SubjectPublicKeyInfo and signs; what is left is a dozen fixed
 * ASN.1 structures. The library this replaces (selfsigned, on @peculiar/x509 and pkijs) cost the
 * all-in-one server about 300 ms of CPU and 4 MiB of heap at every start for the same few hundred
 * bytes (see docs/decisions.md).
 */
export interface SelfSignedOptions {
  /** Subject and issuer common name. */
  commonName: string;
  /** subjectAltName entries: host names (wildcards allowed) and IPv4/IPv6 addresses. */
  altNames: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

export function selfSignedCertificate(options: SelfSignedOptions): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(options.commonName, "utf8")))));
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const serial = randomBytes(16);
  // Positive, and no leading zero byte for DER to forbid.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const altNames = options.altNames.flatMap((n) => {
    const family = isIP(n);
    if (family === 4) return [tlv(0x87, Buffer.from(n.split(".").map(Number)))];
    // IPv6 with an embedded IPv4 part (::ffff:a.b.c.d) is left out rather than mis-encoded.
    if (family === 6) return n.includes(".") ? [] : [tlv(0x87, ipv6Bytes(n))];
    return [tlv(0x82, Buffer.from(n, "ascii"))];
  });
  const extensions = [
    extension("2.5.29.19", true, seq()), // basicConstraints: not a CA
    extension("2.5.29.15", true, tlv(0x03, Buffer.from([7, 0x80]))), // keyUsage: digitalSignature
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))), // extKeyUsage: serverAuth
    extension("2.5.29.17", false, seq(...altNames)), // subjectAltName
  ];
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version 3
    tlv(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(time(options.notBefore), time(options.notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    tlv(0xa3, seq(...extensions)),
  );
  // Node signs EC keys as a DER ECDSA-Sig-Value, the form X.509 carries.
  const signature = sign("sha256", tbs, privateKey);
  const cert = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    cert: pem("CERTIFICATE", cert),
  };
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const seq = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280, 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14); // YYYYMMDDHHMMSS
  const year = date.getUTCFullYear();
  return year < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail] = address.split("::");
  const groups = (s: string) => (s ? s.split(":") : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return Buffer.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
