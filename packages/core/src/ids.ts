import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A run id: a DNS label of lowercase letters and digits, since it is part of a mail domain. */
export const RUN_ID_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

export function newRunId(length = 10): string {
  const bytes = randomBytes(length);
  let id = "";
  // First character a letter, so the id never looks like a number or an IP label.
  for (let i = 0; i < length; i++) {
    const set = i === 0 ? 26 : alphabet.length;
    id += alphabet[(bytes[i] ?? 0) % set];
  }
  return id;
}

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Constant-time token comparison (hashing first equalises the lengths). */
export function tokensEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * The run a recipient address belongs to by domain: `<local>@<runId>.<domain>`.
 * Returns undefined for addresses outside the sandmail domain.
 */
export function runIdFromAddress(address: string, domain: string): string | undefined {
  const at = address.lastIndexOf("@");
  if (at < 0) return undefined;
  const host = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, "");
  const suffix = `.${domain.toLowerCase()}`;
  if (!host.endsWith(suffix)) return undefined;
  const label = host.slice(0, -suffix.length);
  return RUN_ID_PATTERN.test(label) ? label : undefined;
}
