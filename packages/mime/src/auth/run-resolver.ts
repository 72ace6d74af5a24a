import { promises as dns } from "node:dns";
import type { DnsRecord } from "@sandmail/core";
import { withTimeout } from "./deadline.js";
import { dnsError } from "./dns-error.js";
import type { DnsAnswer, DnsFallback, MxAnswer, Resolver } from "./types.js";

const defaultFallbackTimeoutMs = 500;
// Enough for real-world CNAME indirection of DKIM keys, few enough to stop a loop quickly.
const maxCnameHops = 8;

function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, "");
}

function parseMx(value: string): MxAnswer {
  // Accept "10 mx.example.com" as in zone files, or a bare host meaning priority 0.
  const parts = value.trim().split(/\s+/);
  if (parts.length >= 2 && /^\d+$/.test(parts[0]!)) {
    return { priority: Number(parts[0]), exchange: normalizeName(parts[1]!) };
  }
  return { priority: 0, exchange: normalizeName(parts[0] ?? "") };
}

function answer(rrtype: string, values: readonly string[]): DnsAnswer {
  switch (rrtype) {
    // A TXT record is one string here; dns.promises splits it into chunks, mailauth joins them.
    case "TXT":
      return values.map((v) => [v]);
    case "MX":
      return values.map(parseMx);
    default:
      return [...values];
  }
}

type RecordTable = Map<string, Map<string, string[]>>;

function indexRecords(records: readonly DnsRecord[]): RecordTable {
  const table: RecordTable = new Map();
  for (const record of records) {
    const name = normalizeName(record.name);
    const type = record.type.toUpperCase();
    let byType = table.get(name);
    if (!byType) {
      byType = new Map();
      table.set(name, byType);
    }
    byType.set(type, [...(byType.get(type) ?? []), ...record.values]);
  }
  return table;
}

/**
 * A resolver answering from a run's own records. Names the run set are authoritative (a missing
 * type is ENODATA); other names go to the fallback when one is given, bounded by its timeout, and
 * are otherwise ENOTFOUND, so checks stay deterministic and offline by default.
 */
export function createRunResolver(records: readonly DnsRecord[], fallback?: DnsFallback): Resolver {
  const table = indexRecords(records);
  const fallbackTimeoutMs = fallback?.timeoutMs ?? defaultFallbackTimeoutMs;

  const lookupOutside = (name: string, rrtype: string): Promise<DnsAnswer> => {
    if (!fallback) return Promise.reject(dnsError("ENOTFOUND", name, rrtype));
    return withTimeout(fallback.resolve(name, rrtype), fallbackTimeoutMs, () =>
      dnsError("ETIMEOUT", name, rrtype),
    );
  };

  return async (rawName, rawType) => {
    const rrtype = rawType.toUpperCase();
    let name = normalizeName(rawName);
    for (let hop = 0; hop <= maxCnameHops; hop++) {
      const byType = table.get(name);
      if (!byType) return lookupOutside(name, rrtype);
      const values = byType.get(rrtype);
      if (values?.length) return answer(rrtype, values);
      const alias = rrtype === "CNAME" ? undefined : byType.get("CNAME")?.[0];
      if (!alias) throw dnsError("ENODATA", rawName, rrtype);
      name = normalizeName(alias);
    }
    throw dnsError("ESERVFAIL", rawName, rrtype);
  };
}

/** A fallback to the system's resolvers, one try each, bounded by timeoutMs. */
export function systemDnsFallback(timeoutMs = defaultFallbackTimeoutMs): DnsFallback {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  return {
    timeoutMs,
    resolve: (name, rrtype) => resolver.resolve(name, rrtype) as Promise<DnsAnswer>,
  };
}
