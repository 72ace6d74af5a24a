import type {
  Mailbox,
  MessageMeta,
  MimeNode,
  Run,
  SpecialUse,
  StoredMessage,
  StoreEvent,
} from "@sandmail/core";
import type { AppendMeta, MessageParts } from "../contract.js";
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

/** The summary date encodeMeta wrote last, and its JSON: mail sent together mostly shares its second. */
let lastDateTime = Number.NaN;
let lastDateJson: string | null = null;

/**
 * A message's meta as JSON, byte for byte what JSON.stringify makes of it (parseMeta reads it
 * back). A Date takes JSON.stringify off its fast path (toJSON, an ISO string made): the
 * summary's date cost as much as the rest of the meta, on every delivery. It goes in as the string
 * it would become, made once for all the messages of one second.
 */
export function encodeMeta(meta: AppendMeta): string {
  const date = meta.summary?.date as unknown;
  if (!(date instanceof Date)) return JSON.stringify(meta);
  const time = date.getTime();
  if (time !== lastDateTime) {
    lastDateTime = time;
    lastDateJson = date.toJSON();
  }
  return JSON.stringify({ ...meta, summary: { ...meta.summary, date: lastDateJson } });
}

function parseMeta(json: string): MessageMeta {
  const meta = JSON.parse(json) as MessageMeta;
  const date = meta.summary?.date as unknown;
  if (typeof date === "string") meta.summary.date = new Date(date);
  return meta;
}

type Row = Array<string | number | null>;

/** What can change about a stored message, and where it is. */
interface Placement {
  id: string;
  seq: number;
  mailboxId: string;
  uid: number;
  flags: string[];
  modSeq: number;
  address: string;
  mailbox: string;
}

/** A LIST_MESSAGES row; see read_msg in lua/reads.ts. */
export function decodeMessage(runId: string, row: unknown): StoredMessage | undefined {
  if (!Array.isArray(row)) return undefined;
  const [id, seq, mailboxId, uid, flags, modSeq, idate, size, env, meta, address, mailbox, mime] = row as Row;
  const placement: Placement = {
    id: String(id),
    seq: Number(seq),
    mailboxId: String(mailboxId),
    uid: Number(uid),
    flags: splitFlags(flags),
    modSeq: Number(modSeq),
    address: String(address),
    mailbox: String(mailbox),
  };
  return withFixedParts(runId, placement, fixedParts(placement.seq, idate, size, env, meta, mime));
}

/**
 * What never changes about a message, from its stored fields. The MIME tree is in `meta`, or
 * apart in `mime` once a reader built it; when it is in neither (a delivery left it to its
 * first reader, lazy-mime.ts) `mime` is undefined here and the caller builds it from the bytes.
 */
function fixedParts(
  seq: number,
  idate: unknown,
  size: unknown,
  env: unknown,
  meta: unknown,
  mime: unknown,
): FixedParts {
  const parsed = parseMeta(String(meta));
  const parts: FixedParts = {
    seq,
    summary: parsed.summary,
    mime: parsed.mime ?? (mime ? (JSON.parse(String(mime)) as MimeNode) : (undefined as unknown as MimeNode)),
    internalDate: new Date(Number(idate)),
    size: Number(size),
  };
  if (env) parts.envelope = JSON.parse(String(env));
  if (parsed.auth) parts.auth = parsed.auth;
  return parts;
}

function withFixedParts(runId: string, at: Placement, parts: FixedParts): StoredMessage {
  // Completes partsOf's fresh object in place (same keys, same order) instead of spreading it into
  // a second one: a FETCH over 10,000 cached messages built 20,000 objects for 10,000 answers.
  const out = partsOf(at.id, parts) as StoredMessage;
  out.runId = runId;
  out.mailboxId = at.mailboxId;
  out.address = at.address;
  out.mailbox = at.mailbox;
  out.uid = at.uid;
  out.flags = at.flags;
  out.modSeq = at.modSeq;
  return out;
}

/** The MessageParts of a message from its cached fixed parts. */
export function partsOf(id: string, parts: FixedParts): MessageParts {
  const out: MessageParts = {
    id,
    seq: parts.seq,
    size: parts.size,
    internalDate: parts.internalDate,
    summary: parts.summary,
    mime: parts.mime,
  };
  if (parts.envelope) out.envelope = parts.envelope;
  if (parts.auth) out.auth = parts.auth;
  return out;
}

const EQUALS = 0x3d;

function placed(
  id: string,
  seq: number,
  mailboxId: string,
  uid: string,
  modSeq: string,
  flags: string,
  mailbox: [string, string] | undefined,
): Placement {
  return {
    id,
    seq,
    mailboxId,
    uid: Number(uid),
    flags: splitFlags(flags),
    modSeq: Number(modSeq),
    address: mailbox?.[0] ?? "",
    mailbox: mailbox?.[1] ?? "",
  };
}

/**
 * A GET_MESSAGES reply (lua/reads.ts) for `ids`: the run's incarnation and one message (or
 * undefined: gone) per id. `cached[i]` is the fixed parts of an id read light; for an id read
 * whole, `keep` receives its parts (and the length of its stored metadata) and returns the parts
 * to use. `hint`: the mailbox the request named as likely.
 */
export function decodeMessages(
  runId: string,
  ids: readonly string[],
  reply: unknown,
  cached: ReadonlyArray<FixedParts | undefined>,
  hint: string | undefined,
  keep: (id: string, parts: FixedParts, metaBytes: number) => FixedParts,
): { incarnation: string; messages: Array<StoredMessage | undefined> } {
  const [incarnation, text, mailboxRows, fixed] = reply as [string, string, Row, Row];
  const mailboxes = new Map<string, [string, string]>();
  for (let i = 0; i + 2 < mailboxRows.length; i += 3) {
    mailboxes.set(String(mailboxRows[i]), [String(mailboxRows[i + 1]), String(mailboxRows[i + 2])]);
  }
  const lines = String(text).split("\n");
  const messages: Array<StoredMessage | undefined> = new Array(ids.length);
  let f = 0;
  for (let i = 0; i < ids.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const id = ids[i] as string;
    let parts = cached[i];
    let at: Placement;
    if (line.charCodeAt(0) === EQUALS) {
      // '=uid modseq flags': still in the hinted mailbox; seq never changes, so it is cached.
      const a = line.indexOf(" ");
      const b = line.indexOf(" ", a + 1);
      const mailboxId = hint as string;
      at = placed(
        id,
        (parts as FixedParts).seq,
        mailboxId,
        line.slice(1, a),
        b < 0 ? line.slice(a + 1) : line.slice(a + 1, b),
        b < 0 ? "" : line.slice(b + 1),
        mailboxes.get(mailboxId),
      );
    } else {
      // 'seq mailboxId uid modseq flags': flags last, since they are separated by spaces too.
      const a = line.indexOf(" ");
      const b = line.indexOf(" ", a + 1);
      const c = line.indexOf(" ", b + 1);
      const d = line.indexOf(" ", c + 1);
      const mailboxId = line.slice(a + 1, b);
      const seq = Number(line.slice(0, a));
      at = placed(
        id,
        seq,
        mailboxId,
        line.slice(b + 1, c),
        line.slice(c + 1, d),
        line.slice(d + 1),
        mailboxes.get(mailboxId),
      );
      if (parts === undefined) {
        const meta = fixed[f + 3];
        const env = fixed[f + 2];
        const mime = fixed[f + 4];
        const metaBytes = String(meta).length + String(env).length + String(mime).length;
        parts = keep(id, fixedParts(seq, fixed[f], fixed[f + 1], env, meta, mime), metaBytes);
        f += 5;
      }
    }
    (parts as FixedParts).lastMailboxId = at.mailboxId;
    messages[i] = withFixedParts(runId, at, parts as FixedParts);
  }
  return { incarnation: String(incarnation), messages };
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
