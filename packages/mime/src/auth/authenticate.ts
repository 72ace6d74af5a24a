import { isIP } from "node:net";
import type { ARCData, DKIMVerifyResult, DNSResolver } from "mailauth";
import { type Outcome, resolverWithDeadline, settleBy } from "./deadline.js";
import { alignmentOf, dmarcOutcome, dmarcReason, type MailauthDmarc } from "./dmarc-alignment.js";
import { isNoRecord } from "./dns-error.js";
import { formatAuthenticationResults } from "./format-header.js";
import { guessFromDomain, type HeaderField, readHeaderFields } from "./header-fields.js";
import { loadMailauth } from "./mailauth.js";
import { memoResolver, prefetch } from "./memo-resolver.js";
import {
  commentOf,
  type DkimOutcome,
  dkimOutcome,
  dkimUnverified,
  type MailauthDkimRow,
  readSignatureHeaders,
  type SignatureHeader,
  toResultValue,
} from "./normalize.js";
import { offlineUnsignedResults } from "./offline-shortcut.js";
import { parseAuthenticationResults } from "./parse-authentication-results.js";
import { createRunResolver } from "./run-resolver.js";
import { MAX_DKIM_SIGNATURES, withoutExcessSignatures } from "./signature-cap.js";
import type {
  ArcResult,
  AuthContext,
  AuthResults,
  AuthResultValue,
  DmarcResult,
  Resolver,
  SpfResult,
} from "./types.js";
import type { UnsignedAuthMemo } from "./unsigned-memo.js";

const defaultTimeoutMs = 2000;
// Shared by every unsigned message's results (see offline-shortcut.ts).
const NO_ARC: ArcResult = Object.freeze({ result: "none" as const });
const NO_DKIM: AuthResults["dkim"] = Object.freeze([]) as unknown as AuthResults["dkim"];
const NO_RECEIVED: AuthResults["received"] = Object.freeze([]) as unknown as AuthResults["received"];

/** Remembers the first lookup failure that was not "no such record" (a timeout, SERVFAIL...). */
function tracked(resolver: Resolver): { resolver: DNSResolver; trouble: () => string | undefined } {
  let trouble: string | undefined;
  const wrapped: Resolver = async (name, rrtype) => {
    try {
      return await resolver(name, rrtype);
    } catch (err) {
      if (!isNoRecord(err) && trouble === undefined) {
        trouble = String((err as { code?: unknown }).code ?? (err as Error).message);
      }
      throw err;
    }
  };
  return { resolver: wrapped as DNSResolver, trouble: () => trouble };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** temperror for a step cut off by the deadline, permerror for one that threw. */
function unfinished(outcome: Exclude<Outcome<unknown>, { kind: "done" }>, what: string) {
  return outcome.kind === "timeout"
    ? { result: "temperror" as const, reason: `${what} did not finish within the time limit` }
    : { result: "permerror" as const, reason: `${what} failed: ${errorText(outcome.error)}` };
}

interface Steps {
  mailauth: Awaited<ReturnType<typeof loadMailauth>>;
  ctx: AuthContext;
  raw: Buffer;
  resolver: Resolver;
  /** When SPF, DKIM and ARC must have finished. */
  checksEndAt: number;
  /** When DMARC must have finished: the caller's deadline. */
  deadlineAt: number;
}

interface DkimStage {
  dkim: DkimOutcome;
  arc: ArcResult;
  /** null when verification did not finish: the From domain was never read. */
  verified: DKIMVerifyResult | null;
  unfinished?: { result: AuthResultValue; reason: string };
}

async function checkArc(steps: Steps, verified: DKIMVerifyResult): Promise<ArcResult> {
  const data = verified.arc as ARCData | undefined;
  if (!data) return { result: "none" };
  const lookups = tracked(steps.resolver);
  const outcome = await settleBy(steps.checksEndAt, () =>
    steps.mailauth.arc(data, { resolver: lookups.resolver }),
  );
  if (outcome.kind !== "done") return unfinished(outcome, "ARC verification");
  const status = outcome.value.status;
  const arc: ArcResult = { result: toResultValue(status.result) };
  if (typeof outcome.value.i === "number" && outcome.value.i > 0) arc.instance = outcome.value.i;
  const reason = commentOf(status);
  if (reason) arc.reason = reason;
  // mailauth calls every ARC failure permanent, a key lookup that timed out included.
  const trouble = lookups.trouble();
  if (arc.result === "fail" && trouble) {
    arc.result = "temperror";
    arc.reason = `DNS failure: ${trouble}`;
  }
  return arc;
}

/** Signatures past the cap: reported, never verified. */
function tooMany(signatures: SignatureHeader[]): DkimOutcome {
  return dkimUnverified(
    signatures,
    "neutral",
    `too many signatures: only the first ${MAX_DKIM_SIGNATURES} are verified`,
  );
}

function withExcess(stage: DkimOutcome, excess: SignatureHeader[]): DkimOutcome {
  if (excess.length === 0) return stage;
  const rest = tooMany(excess);
  return { results: [...stage.results, ...rest.results], prefixes: [...stage.prefixes, ...rest.prefixes] };
}

async function checkDkimAndArc(steps: Steps, allSignatures: SignatureHeader[]): Promise<DkimStage> {
  const signatures = allSignatures.slice(0, MAX_DKIM_SIGNATURES);
  const excess = allSignatures.slice(MAX_DKIM_SIGNATURES);
  const lookups = tracked(steps.resolver);
  const verifiable = excess.length > 0 ? withoutExcessSignatures(steps.raw, MAX_DKIM_SIGNATURES) : steps.raw;
  const outcome = await settleBy(steps.checksEndAt, () =>
    steps.mailauth.dkimVerify(verifiable, {
      resolver: lookups.resolver,
      sender: steps.ctx.mailFrom || undefined,
    }),
  );
  if (outcome.kind !== "done") {
    const cut = unfinished(outcome, "DKIM verification");
    return {
      dkim: withExcess(dkimUnverified(signatures, cut.result, cut.reason), excess),
      arc: cut,
      verified: null,
      unfinished: cut,
    };
  }
  const verified = outcome.value;
  const dkim = withExcess(dkimOutcome(signatures, verified.results as MailauthDkimRow[]), excess);
  return { dkim, arc: await checkArc(steps, verified), verified };
}

function heloForSpf(helo: string): string {
  // An address literal HELO is written [ip], as RFC 5321 has it, so SPF never takes it for a domain.
  return isIP(helo) ? `[${helo}]` : helo;
}

async function checkSpf(steps: Steps): Promise<SpfResult | null> {
  const { ctx } = steps;
  if (!isIP(ctx.ip)) return null;
  const helo = ctx.helo.trim();
  if (!ctx.mailFrom && !helo) {
    return { result: "none", reason: "null sender and no HELO name: no domain to check" };
  }
  const outcome = await settleBy(steps.checksEndAt, () =>
    steps.mailauth.spf({
      sender: ctx.mailFrom || undefined,
      ip: ctx.ip,
      helo: helo ? heloForSpf(helo) : undefined,
      mta: ctx.mta,
      resolver: steps.resolver as DNSResolver,
    }),
  );
  const senderDomain = (ctx.mailFrom || `postmaster@${helo}`).split("@").pop()!.toLowerCase();
  if (outcome.kind !== "done") return { domain: senderDomain, ...unfinished(outcome, "SPF check") };
  const spf: SpfResult = { result: toResultValue(outcome.value.status.result) };
  if (outcome.value.domain) spf.domain = outcome.value.domain;
  const reason = commentOf(outcome.value.status);
  if (reason) spf.reason = reason;
  return spf;
}

async function checkDmarc(
  steps: Steps,
  stage: DkimStage,
  spf: SpfResult | null,
): Promise<DmarcResult | null> {
  if (!stage.verified) return stage.unfinished ?? null;
  const from = stage.verified.headerFrom ?? [];
  if (from.length === 0) return null;
  const domain = from[0]!.split("@").pop()!.toLowerCase();
  if (from.length > 1) {
    return { result: "permerror", reason: "the From header holds more than one address" };
  }
  const rows = stage.verified.results as (MailauthDkimRow & {
    id?: string;
    status?: { underSized?: unknown };
  })[];
  const passingDkim = rows.filter((r) => r.signingDomain && r.status?.result === "pass");
  const passing = {
    dkim: passingDkim.map((r) => r.signingDomain!),
    spf: spf?.result === "pass" && spf.domain ? [spf.domain] : [],
  };
  const outcome = await settleBy(steps.deadlineAt, () =>
    steps.mailauth.dmarc({
      headerFrom: from,
      spfDomains: passing.spf,
      dkimDomains: passingDkim.map((r) => ({
        id: r.id,
        domain: r.signingDomain!,
        aligned: Boolean(r.status?.aligned),
        underSized: Boolean(r.status?.underSized),
      })),
      resolver: steps.resolver as DNSResolver,
    }),
  );
  if (outcome.kind !== "done") return { domain, ...unfinished(outcome, "DMARC check") };
  if (!outcome.value) return null;
  const value = outcome.value as MailauthDmarc & { policy?: string };
  const aligned = alignmentOf(value, domain, passing);
  const underlyingTemperror =
    spf?.result === "temperror" || stage.dkim.results.some((d) => d.result === "temperror");
  const dmarc: DmarcResult = {
    result: dmarcOutcome(toResultValue(value.status.result), aligned, underlyingTemperror),
    domain,
  };
  if (value.policy) dmarc.policy = value.policy.toLowerCase();
  const reason = dmarcReason(dmarc.result, domain, value, aligned);
  if (reason) dmarc.reason = reason;
  return dmarc;
}

/**
 * Checks SPF, DKIM, DMARC and ARC for a message as it arrives, against the run's DNS records
 * (and the fallback resolver when one is configured), within ctx.timeoutMs (default 2000 ms):
 * a check still waiting at the deadline says temperror instead of holding up the caller.
 * Also returns the Authentication-Results headers the message already carried, and the header
 * sandmail prepends. Never throws for bad input: what cannot be checked says permerror.
 */
export async function authenticateMessage(
  raw: Buffer,
  context: AuthContext,
  options: { shortcut?: boolean; memo?: UnsignedAuthMemo } = {},
): Promise<AuthResults> {
  // Values straight from an SMTP session can be missing; treat them as empty, never crash on them.
  const ctx: AuthContext = {
    ...context,
    ip: String(context.ip ?? "").trim(),
    helo: String(context.helo ?? "").trim(),
    mailFrom: String(context.mailFrom ?? "").trim(),
    mta: String(context.mta ?? "").trim() || "localhost",
    records: context.records ?? [],
  };
  const fields = readHeaderFields(raw);
  const valuesOf = (name: string) => fields.filter((f) => f.name === name).map((f) => f.value);
  const received = parseAuthenticationResults(valuesOf("authentication-results"));
  const memoKey = options.memo?.keyOf(ctx, fields);
  const remembered = memoKey === undefined ? undefined : options.memo?.get(memoKey);
  if (remembered) return { ...remembered, received: received.length ? received : NO_RECEIVED };
  const results = await checkMessage(raw, ctx, fields, received, options.shortcut !== false);
  if (memoKey !== undefined) options.memo?.remember(memoKey, results);
  return results;
}

async function checkMessage(
  raw: Buffer,
  ctx: AuthContext,
  fields: HeaderField[],
  received: AuthResults["received"],
  shortcut: boolean,
): Promise<AuthResults> {
  const valuesOf = (name: string) => fields.filter((f) => f.name === name).map((f) => f.value);
  const signatures = readSignatureHeaders(valuesOf("dkim-signature"));
  const fromDomain = guessFromDomain(valuesOf("from")[0]);
  const helo = ctx.helo.trim();
  const spfMailFrom = ctx.mailFrom || (helo ? `postmaster@${helo}` : "");

  const known = shortcut ? offlineUnsignedResults(ctx, fields, fromDomain) : undefined;
  if (known) {
    const arc = NO_ARC;
    const header = formatAuthenticationResults({
      mta: ctx.mta,
      spf: known.spf,
      spfMailFrom,
      helo,
      dkim: [],
      dkimSignaturePrefixes: [],
      dmarc: known.dmarc,
      arc,
    });
    return {
      spf: known.spf,
      dkim: NO_DKIM,
      dmarc: known.dmarc,
      arc,
      received: received.length ? received : NO_RECEIVED,
      header,
    };
  }

  // Loaded before the clock starts: the first signed message should not spend its time budget on it.
  const mailauth = await loadMailauth();
  const timeoutMs = ctx.timeoutMs && ctx.timeoutMs > 0 ? ctx.timeoutMs : defaultTimeoutMs;
  const deadlineAt = Date.now() + timeoutMs;
  // Lookups give up first, so mailauth can still turn their ETIMEOUT into its own temperror (with
  // the signature's details); then SPF, DKIM and ARC are cut off; DMARC, whose record was fetched
  // in the meantime, gets the last slice to decide alignment.
  const slice = Math.min(50, Math.floor(timeoutMs / 10));
  const resolver = memoResolver(
    resolverWithDeadline(createRunResolver(ctx.records, ctx.fallback), deadlineAt - 2 * slice),
  );
  const steps: Steps = { mailauth, ctx, raw, resolver, checksEndAt: deadlineAt - slice, deadlineAt };

  if (fromDomain) prefetch(resolver, `_dmarc.${fromDomain}`, "TXT");
  const [stage, spf] = await Promise.all([checkDkimAndArc(steps, signatures), checkSpf(steps)]);
  const dmarc = await checkDmarc(steps, stage, spf);

  const header = formatAuthenticationResults({
    mta: ctx.mta,
    spf,
    spfMailFrom,
    helo,
    dkim: stage.dkim.results,
    dkimSignaturePrefixes: stage.dkim.prefixes,
    dmarc,
    arc: stage.arc,
  });

  return { spf, dkim: stage.dkim.results, dmarc, arc: stage.arc, received, header };
}

/**
 * The results of a message whose checks were stopped from outside (the worker running them was
 * terminated at its time limit): every check that would have run says temperror and why, and
 * the message is still stored with them.
 */
export function authResultsCutOff(raw: Buffer, context: AuthContext, reason: string): AuthResults {
  const helo = String(context.helo ?? "").trim();
  const mailFrom = String(context.mailFrom ?? "").trim();
  const mta = String(context.mta ?? "").trim() || "localhost";
  const fields = readHeaderFields(raw);
  const received = parseAuthenticationResults(
    fields.filter((f) => f.name === "authentication-results").map((f) => f.value),
  );
  const signatures = readSignatureHeaders(
    fields.filter((f) => f.name === "dkim-signature").map((f) => f.value),
  );
  const cut = { result: "temperror" as const, reason };
  const dkim = withExcess(
    dkimUnverified(signatures.slice(0, MAX_DKIM_SIGNATURES), "temperror", reason),
    signatures.slice(MAX_DKIM_SIGNATURES),
  );
  const spfMailFrom = mailFrom || (helo ? `postmaster@${helo}` : "");
  const spf: SpfResult | null = isIP(String(context.ip ?? "").trim()) ? { ...cut } : null;
  const fromDomain = guessFromDomain(fields.find((f) => f.name === "from")?.value);
  const dmarc: DmarcResult | null = fromDomain ? { ...cut, domain: fromDomain } : null;
  const arc: ArcResult = { ...cut };
  const header = formatAuthenticationResults({
    mta,
    spf,
    spfMailFrom,
    helo,
    dkim: dkim.results,
    dkimSignaturePrefixes: dkim.prefixes,
    dmarc,
    arc,
  });
  return { spf, dkim: dkim.results, dmarc, arc, received, header };
}
