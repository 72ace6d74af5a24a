import { isIP } from "node:net";
import { type HeaderField, SIGNING_TRACE_FIELDS } from "./header-fields.js";
import type { AuthContext, DmarcResult, SpfResult } from "./types.js";

/**
 * The answers repeat for every message of one sender domain, and a MemoryStore keeps them with
 * each message: share one frozen copy per (mta, sender domain, From domain), in a bounded table.
 */
const known = new Map<string, { spf: SpfResult; dmarc: DmarcResult }>();
const MAX_KNOWN = 10_000;

/**
 * With no DNS records for the run and no resolver to ask, an unsigned message's results are
 * known before any check runs: every lookup answers "no record", so SPF and DMARC say none and
 * there is nothing for DKIM or ARC to verify. That is most test mail, and mailauth spends a few
 * hundred microseconds reaching the same answer, on the SMTP hot path. Anything less plain
 * (a signature, ARC headers, several From addresses, an odd sender) returns undefined and takes
 * the full path; a test checks both paths agree wherever this one answers.
 */
export function offlineUnsignedResults(
  ctx: AuthContext,
  fields: HeaderField[],
  fromDomain: string | undefined,
): { spf: SpfResult; dmarc: DmarcResult } | undefined {
  if (ctx.records.length > 0 || ctx.fallback || !fromDomain || !isIP(ctx.ip)) return undefined;
  if (fields.some((f) => SIGNING_TRACE_FIELDS.has(f.name))) return undefined;
  const from = fields.filter((f) => f.name === "from");
  if (from.length !== 1 || (from[0]?.value.split("@").length ?? 0) !== 2) return undefined;
  const sender = /^[^@\s]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i.exec(ctx.mailFrom);
  if (!sender?.[1]) return undefined;
  const spfDomain = sender[1].toLowerCase();
  const key = `${ctx.mta}\n${spfDomain}\n${fromDomain}`;
  const cached = known.get(key);
  if (cached) return cached;
  const results = Object.freeze({
    spf: Object.freeze({
      result: "none" as const,
      domain: spfDomain,
      reason: `${ctx.mta}: ${spfDomain} does not designate permitted sender hosts`,
    }),
    dmarc: Object.freeze({
      result: "none" as const,
      domain: fromDomain,
      reason: `no DMARC record for ${fromDomain}`,
    }),
  });
  if (known.size < MAX_KNOWN) known.set(key, results);
  return results;
}
