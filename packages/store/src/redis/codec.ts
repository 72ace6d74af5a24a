import type { Mailbox, MessageMeta, Run, SpecialUse, StoredMessage, StoreEvent } from "@sandmail/core";
import { UidColumns } from "../shared/uid-columns.js";
import type { FixedParts } from "./message-cache.js";

/** Flags travel and rest in Redis as one space-separated string (flags are atoms: no spaces). */
export function joinFlags(flags: string[]): string {
  return flags.join(" ");
}

export function splitFlags(flags: unknown): string[] {
  return typeof flags === "string" && flags.length > 0 ? flags.split(" ") : [];
}

export function decodeRun(id: string, h: Record<string, string>): Run | undefined {
  if (!h.token || !h.expiresAt) return undefined;
  const run: Run = {
    id,
    token: h.token,
    createdAt: new Date(Number(h.createdAt)),
    expiresAt: new Date(Number(h.expiresAt)),
    limits: { maxMessages: Number(h.maxMessages), maxBytes: Number(h.maxBytes) },
  };
  if (h.label !== undefined) run.label = h.label;
  return run;
}

function parseMeta(json: string): MessageMeta {
  const meta = JSON.parse(json) as MessageMeta;
  const date = meta.summary?.date as unknown;
  if (typeof date === "string") meta.summary.date = new Date(date);
  return meta;
}

type Row = Array<string | number | null>;

/** A GET_MESSAGES / LIST_MESSAGES row; see read_msg in lua/reads.ts. */
export function decodeMessage(runId: string, row: unknown): StoredMessage | undefined {
  if (!Array.isArray(row)) return undefined;
  return withFixedParts(runId, row, fixedParts(row));
}

/** What never changes about the message of a whole (not light) row. */
export function fixedParts(row: unknown[]): FixedParts {
  const [, , , , , , idate, size, env, meta] = row as Row;
  const parsed = parseMeta(String(meta));
  const parts: FixedParts = {
    summary: parsed.summary,
    mime: parsed.mime,
    internalDate: new Date(Number(idate)),
    size: Number(size),
  };
  if (env) parts.envelope = JSON.parse(String(env));
  if (parsed.auth) parts.auth = parsed.auth;
  return parts;
}

/** A row (a light one: read_msg_light in lua/reads.ts) completed with the message's fixed parts. */
export function withFixedParts(runId: string, row: unknown[], parts: FixedParts): StoredMessage {
  const [id, seq, mailboxId, uid, flags, modSeq, , , , , address, mailbox] = row as Row;
  const msg: StoredMessage = {
    id: String(id),
    runId,
    seq: Number(seq),
    mailboxId: String(mailboxId),
    address: String(address),
    mailbox: String(mailbox),
    uid: Number(uid),
    flags: splitFlags(flags),
    modSeq: Number(modSeq),
    internalDate: parts.internalDate,
    size: parts.size,
    summary: parts.summary,
    mime: parts.mime,
  };
  if (parts.envelope) msg.envelope = parts.envelope;
  if (parts.auth) msg.auth = parts.auth;
  return msg;
}

/** A mailbox_row from lua/reads.ts. */
export function decodeMailbox(row: unknown): Mailbox | undefined {
  if (!Array.isArray(row)) return undefined;
  const [id, address, name, su, uidv, uidNext, hms, n, unseen, sub] = row as Row;
  const mb: Mailbox = {
    id: String(id),
    address: String(address),
    name: String(name),
    subscribed: Number(sub) === 1,
    uidValidity: Number(uidv),
    uidNext: Number(uidNext),
    highestModSeq: Number(hms),
    messages: Number(n),
    unseen: Number(unseen),
  };
  if (su) mb.specialUse = String(su) as SpecialUse;
  return mb;
}

/** A MAILBOX_INDEX reply (see lua/reads.ts): rows in any order, indexed by UID. */
export function decodeIndex(flat: unknown): UidColumns {
  const ids: string[] = [];
  const uids: number[] = [];
  const modSeqs: number[] = [];
  const flagTexts: string[] = [];
  if (Array.isArray(flat) && flat[0] === "-") {
    const rows = flat as unknown[];
    for (let i = 1; i + 3 < rows.length; i += 4) {
      ids.push(String(rows[i]));
      uids.push(Number(rows[i + 1]));
      flagTexts.push(rows[i + 2] == null ? "" : String(rows[i + 2]));
      modSeqs.push(Number(rows[i + 3]));
    }
  } else {
    const text = typeof flat === "string" ? flat : "";
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const a = text.indexOf(" ", start);
      const b = text.indexOf(" ", a + 1);
      const c = text.indexOf(" ", b + 1);
      const hasFlags = c >= 0 && c < end;
      ids.push(text.slice(start, a));
      uids.push(Number(text.slice(a + 1, b)));
      modSeqs.push(Number(text.slice(b + 1, hasFlags ? c : end)));
      flagTexts.push(hasFlags ? text.slice(c + 1, end) : "");
      start = end + 1;
    }
  }
  const n = ids.length;
  const out = new UidColumns(n + (n >>> 3));
  // Each distinct flags text is split and interned once, not once per message.
  const flagIdOf = new Map<string, number>();
  const order = byUid(uids);
  for (let r = 0; r < n; r++) {
    const k = order[r] as number;
    const f = flagTexts[k] as string;
    let flagId = flagIdOf.get(f);
    if (flagId === undefined) {
      flagId = out.flagSets.idOf(splitFlags(f));
      flagIdOf.set(f, flagId);
    }
    out.pushFlagId(uids[k] as number, ids[k] as string, flagId, modSeqs[k] as number);
  }
  return out;
}

/** Row numbers in UID order. */
function byUid(uids: readonly number[]): ArrayLike<number> {
  const n = uids.length;
  if (n >= ROW_SPAN)
    return Array.from({ length: n }, (_, k) => k).sort((x, y) => (uids[x] as number) - (uids[y] as number));
  // UID and row number packed in one double (UIDs are 32-bit: the sum stays below 2^53), so the
  // typed array's native numeric sort orders them with no comparator call per pair.
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = (uids[k] as number) * ROW_SPAN + k;
  keys.sort();
  const rows = new Uint32Array(n);
  for (let k = 0; k < n; k++) rows[k] = (keys[k] as number) % ROW_SPAN;
  return rows;
}

const ROW_SPAN = 2 ** 21;

export function decodeEvent(json: string): StoreEvent {
  const e = JSON.parse(json) as Record<string, unknown>;
  if ("flags" in e) e.flags = splitFlags(e.flags);
  return e as unknown as StoreEvent;
}
