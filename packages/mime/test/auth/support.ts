import { generateKeyPairSync } from "node:crypto";
import type { DnsRecord } from "@sandmail/core";
import { authenticate, type DNSResolver, dkimSign } from "mailauth";
import { createRunResolver } from "../../src/auth/index.js";

export interface SigningKey {
  algorithm: "rsa-sha256" | "ed25519-sha256";
  privateKey: string;
  /** The p= value published in DNS. */
  publicKeyDns: string;
}

export function rsaKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    algorithm: "rsa-sha256",
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyDns: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

export function ed25519Key(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  // RFC 8463: the DNS record holds the bare 32-byte key, not the SPKI wrapping.
  const spki = publicKey.export({ type: "spki", format: "der" });
  return {
    algorithm: "ed25519-sha256",
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyDns: spki.subarray(spki.length - 32).toString("base64"),
  };
}

export function dkimKeyRecord(selector: string, domain: string, key: SigningKey): DnsRecord {
  const k = key.algorithm === "rsa-sha256" ? "rsa" : "ed25519";
  return {
    name: `${selector}._domainkey.${domain}`,
    type: "TXT",
    values: [`v=DKIM1; k=${k}; p=${key.publicKeyDns}`],
  };
}

export function txt(name: string, value: string): DnsRecord {
  return { name, type: "TXT", values: [value] };
}

let messagesMade = 0;

export function message(opts: { from?: string; subject?: string; body?: string } = {}): Buffer {
  const lines = [
    `From: Alice Sender <${opts.from ?? "alice@example.com"}>`,
    "To: bob@run1.sandmail.test",
    `Subject: ${opts.subject ?? "Your verification code"}`,
    "Date: Tue, 03 Jun 2025 10:00:00 +0000",
    // Numbered, not random: distinct messages, and the same bytes on every run.
    `Message-ID: <test-${++messagesMade}@example.com>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    opts.body ?? "Your code is 482913.\r\nIt expires in 10 minutes.",
    "",
  ];
  return Buffer.from(lines.join("\r\n"));
}

/**
 * The t= of every test signature: the test message's Date. Left to itself, mailauth's dkimSign
 * reads the clock twice, once for the t= in the header it signs and again, after the key
 * operation, for the t= in the header it writes (Math.round of seconds each time). Reads either
 * side of a half second (x.499 then x.500) give a message whose t= is not the one signed: a bad
 * signature that any verifier rightly fails: 2 signings in 3000 at load 5-8 on 2 cores. mailauth's
 * own CLI and ARC sealer always pass signTime.
 */
const SIGNED_AT = new Date("2025-06-03T10:00:00Z");

export async function sign(raw: Buffer, domain: string, selector: string, key: SigningKey): Promise<Buffer> {
  // mailauth signs only what signatureData lists (its .d.ts suggests top-level fields would do).
  const options = {
    signatureData: [
      {
        signingDomain: domain,
        selector,
        privateKey: key.privateKey,
        algorithm: key.algorithm,
        canonicalization: "relaxed/relaxed",
      },
    ],
    signTime: SIGNED_AT,
  } as unknown as Parameters<typeof dkimSign>[1];
  const { signatures, errors } = await dkimSign(raw, options);
  if (errors.length) throw errors[0];
  if (!signatures.trim()) throw new Error("mailauth produced no DKIM-Signature");
  return Buffer.concat([Buffer.from(signatures), raw]);
}

/**
 * What a forwarding MTA does: authenticate the message against its own view of DNS, then add
 * its Authentication-Results and an ARC set (i=1 on an unsealed message).
 */
export async function forwardAndSeal(
  raw: Buffer,
  opts: { records: DnsRecord[]; domain: string; selector: string; key: SigningKey; mta: string },
): Promise<Buffer> {
  const result = await authenticate(raw, {
    ip: "192.0.2.10",
    helo: "mail.example.com",
    sender: "alice@example.com",
    mta: opts.mta,
    resolver: createRunResolver(opts.records) as DNSResolver,
    disableBimi: true,
    seal: {
      signingDomain: opts.domain,
      selector: opts.selector,
      privateKey: opts.key.privateKey,
      algorithm: opts.key.algorithm,
    },
  });
  return Buffer.concat([Buffer.from(result.headers), raw]);
}

/** Changes the body after signing, the way a mangling relay would. */
export function alterBody(raw: Buffer): Buffer {
  const text = raw.toString("utf8");
  const altered = text.replace("Your code is 482913.", "Your code is 000000.");
  if (altered === text) throw new Error("test message body not found");
  return Buffer.from(altered);
}
