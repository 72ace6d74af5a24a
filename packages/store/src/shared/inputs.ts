import {
  type DnsRecord,
  type MessageMeta,
  type MimeNode,
  newToken,
  normalizeAddress,
  RUN_ID_PATTERN,
  type Run,
  SandmailError,
  type SessionTranscript,
  type TranscriptLimits,
} from "@sandmail/core";
import type { AppendInput, CreateRunInput, DeliveryCopy, DeliveryInput } from "../contract.js";

export function checkCreateRun(input: CreateRunInput): void {
  if (!input || typeof input !== "object") throw new SandmailError("invalid_request", "run input missing");
  if (input.id !== undefined && (typeof input.id !== "string" || !RUN_ID_PATTERN.test(input.id))) {
    throw new SandmailError("invalid_request", `invalid run id: ${JSON.stringify(input.id)}`);
  }
  if (input.token !== undefined && (typeof input.token !== "string" || input.token.length === 0)) {
    throw new SandmailError("invalid_request", "invalid run token");
  }
  if (!Number.isFinite(input.ttlSeconds) || input.ttlSeconds <= 0) {
    throw new SandmailError("invalid_request", "ttlSeconds must be a positive number");
  }
  const limits = input.limits;
  if (
    !limits ||
    !Number.isFinite(limits.maxMessages) ||
    limits.maxMessages < 0 ||
    !Number.isFinite(limits.maxBytes) ||
    limits.maxBytes < 0
  ) {
    throw new SandmailError("invalid_request", "limits must hold non-negative maxMessages and maxBytes");
  }
}

/** The run a checked input describes, created at `now` (epoch ms). */
export function runFromInput(input: CreateRunInput, id: string, now: number): Run {
  const run: Run = {
    id,
    token: input.token ?? newToken(),
    createdAt: new Date(now),
    expiresAt: new Date(now + Math.round(input.ttlSeconds * 1000)),
    limits: { maxMessages: input.limits.maxMessages, maxBytes: input.limits.maxBytes },
  };
  if (input.label !== undefined) run.label = String(input.label);
  return run;
}

/** The lowercased inbox address; fails on anything that cannot be one. */
export function checkAddress(address: string): string {
  if (typeof address !== "string") throw new SandmailError("invalid_request", "address must be a string");
  const a = normalizeAddress(address);
  if (a.length === 0 || a.length > 512 || /[\s\0]/.test(a)) {
    throw new SandmailError("invalid_request", `invalid address: ${JSON.stringify(address)}`);
  }
  return a;
}

export function checkAppend(input: AppendInput): void {
  if (!input || typeof input !== "object")
    throw new SandmailError("invalid_request", "message input missing");
  if (!Buffer.isBuffer(input.raw)) throw new SandmailError("invalid_request", "raw must be a Buffer");
  if (!input.meta || typeof input.meta !== "object") {
    throw new SandmailError("invalid_request", "meta must be the parsed message metadata");
  }
  if (input.meta.mime === undefined && typeof input.indexMime !== "function") {
    throw new SandmailError("invalid_request", "meta.mime or indexMime is required");
  }
  if (input.internalDate !== undefined && Number.isNaN(new Date(input.internalDate).getTime())) {
    throw new SandmailError("invalid_request", "invalid internalDate");
  }
}

/** The delivery's copies, each checked as an append would be. */
export function checkDelivery(input: DeliveryInput): DeliveryCopy[] {
  if (!input || typeof input !== "object")
    throw new SandmailError("invalid_request", "delivery input missing");
  if (typeof input.deliveryId !== "string" || !/^[\w.:-]{1,128}$/.test(input.deliveryId)) {
    throw new SandmailError("invalid_request", "invalid delivery id");
  }
  if (!Buffer.isBuffer(input.body)) throw new SandmailError("invalid_request", "body must be a Buffer");
  if (!Array.isArray(input.copies) || input.copies.length === 0) {
    throw new SandmailError("invalid_request", "a delivery needs at least one copy");
  }
  for (const copy of input.copies) {
    if (!copy || !Buffer.isBuffer(copy.head))
      throw new SandmailError("invalid_request", "head must be a Buffer");
    checkAppend({ ...copy, raw: copy.head });
  }
  return input.copies;
}

/** The whole metadata of a checked input, its MIME tree built now if it was left to the store. */
export function appendedMeta(input: Pick<AppendInput, "meta" | "indexMime">, raw: Buffer): MessageMeta {
  const { meta } = input;
  if (meta.mime !== undefined) return meta as MessageMeta;
  return { ...meta, mime: (input.indexMime as (raw: Buffer) => MimeNode)(raw) };
}

export function checkIds(ids: string[]): string[] {
  if (!Array.isArray(ids)) throw new SandmailError("invalid_request", "message ids must be an array");
  return ids.filter((id): id is string => typeof id === "string");
}

const dnsTypes = new Set(["TXT", "A", "AAAA", "MX", "CNAME", "PTR"]);

export function normalizeDnsRecords(records: DnsRecord[]): DnsRecord[] {
  if (!Array.isArray(records)) throw new SandmailError("invalid_request", "records must be an array");
  return records.map((r) => {
    if (!r || typeof r.name !== "string" || !dnsTypes.has(r.type) || !Array.isArray(r.values)) {
      throw new SandmailError("invalid_request", `invalid DNS record: ${JSON.stringify(r)}`);
    }
    if (!r.values.every((v) => typeof v === "string")) {
      throw new SandmailError("invalid_request", "DNS record values must be strings");
    }
    return { name: r.name.trim().toLowerCase().replace(/\.$/, ""), type: r.type, values: [...r.values] };
  });
}

const positiveInt = (n: unknown): boolean => typeof n === "number" && Number.isInteger(n) && n > 0;

export function checkSession(session: SessionTranscript, limits: TranscriptLimits): void {
  if (!session || typeof session.id !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(session.id)) {
    throw new SandmailError("invalid_request", "a session needs an id of letters, digits, _ and -");
  }
  // `lines` may be a getter that formats them (the recorder's sessions): its presence is checked, not read.
  if (!("lines" in session) || !positiveInt(session.bytes + 1)) {
    throw new SandmailError("invalid_request", "a session needs lines and a byte count");
  }
  if (!positiveInt(limits?.maxSessions) || !positiveInt(limits?.maxBytes)) {
    throw new SandmailError("invalid_request", "transcript limits must be positive integers");
  }
}

/** The MemoryStore's message ids: the run sequence number of the message's arrival, in base 36. */
export function messageIdFor(seq: number): string {
  return seq.toString(36);
}

export const EVENTS_KEPT = 10_000;

/** Expunged UIDs remembered per mailbox for QRESYNC (contract.ts `expungedSince`). */
export const EXPUNGED_KEPT = 10_000;

/** A store's `expungedKept` option, checked. */
export function expungedKept(value: number | undefined): number {
  if (value === undefined) return EXPUNGED_KEPT;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SandmailError("invalid_request", "expungedKept must be a positive integer");
  }
  return value;
}

/** A mod-sequence argument: a non-negative safe integer. */
export function checkModSeq(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SandmailError("invalid_request", "a mod-sequence must be a non-negative integer");
  }
  return value;
}
