/**
 * FETCH and UID FETCH. Messages are read from the store in batches (one getMessages call and
 * concurrent getRaw calls per batch), replies go out in ascending sequence order, and bodies
 * are written as literals that reference the stored Buffer.
 */
import type { StoredMessage } from "@sandmail/core";
import { sectionBytes } from "@sandmail/mime";
import {
  type BinaryError,
  binaryPart,
  bodyStructure,
  envelopeWire,
  envelopeWireCached,
  TimeSlicer,
} from "../content/index.js";
import { atom, literal, literal8, type Token, type Value } from "../protocol/ast.js";
import { ChunkList, writeValue } from "../protocol/writer.js";
import { announceKeywords, flagValues } from "../session/keywords.js";
import { showsRecent } from "../session/revision.js";
import { ArgError, Args, formatDateTime } from "./args.js";
import { condstoreOn, enableCondstore, modSeqArg } from "./condstore.js";
import { type FetchItem, needsRaw, parseFetchItems, setsSeen } from "./fetch-items.js";
import { qresyncOn, sendVanishedEarlier } from "./qresync.js";
import { resolveIndexes, resolveTargets, type Target } from "./targets.js";
import { bad, type CommandContext, defineCommand, no, ok, SELECTED } from "./types.js";

const BATCH = 256;
const LIGHT_BATCH = 512;

export default defineCommand({
  name: "FETCH",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse(tokens) {
    const args = new Args(tokens, "FETCH");
    const ranges = args.sequenceSet();
    const items = parseFetchItems(args.next("data items"));
    const { changedSince, vanished } = args.remaining > 0 ? fetchModifiers(args.list("FETCH modifiers")) : {};
    args.end();
    return { ranges, items, changedSince, vanished };
  },
  async handler(ctx, { ranges, items, changedSince, vanished }) {
    const byUid = ctx.command.uid;
    const selection = ctx.session.selected;
    if (vanished) {
      // RFC 7162 §3.2.6: UID FETCH only, with CHANGEDSINCE, once QRESYNC is on.
      if (!byUid) return bad("VANISHED needs UID FETCH");
      if (changedSince === undefined) return bad("VANISHED used without CHANGEDSINCE");
      if (!qresyncOn(ctx)) return bad("QRESYNC is not enabled");
      await sendVanishedEarlier(ctx, changedSince, ranges);
    }
    let wanted =
      byUid && !items.some((i) => i.kind === "UID") ? [{ kind: "UID" } as FetchItem, ...items] : items;
    const modseq = changedSince !== undefined || wanted.some((i) => i.kind === "MODSEQ");
    if (modseq) enableCondstore(ctx);
    // CHANGEDSINCE implies the MODSEQ item (RFC 7162 §3.1.4.1).
    if (changedSince !== undefined && !wanted.some((i) => i.kind === "MODSEQ"))
      wanted = [...wanted, { kind: "MODSEQ" }];
    if (wanted.every((i) => VIEW_ITEMS.has(i.kind))) {
      await fetchFromView(ctx, resolveIndexes(selection, ranges, byUid), wanted, changedSince ?? 0);
      return ok("FETCH completed");
    }
    const targets = resolveTargets(selection, ranges, byUid).filter((t) => !t.message.gone);
    // Batches of metadata alone are larger: fewer store round trips, and little held at once.
    const batch = wanted.every((i) => i.kind === "ENVELOPE" || !needsRaw([i])) ? LIGHT_BATCH : BATCH;
    for (let i = 0; i < targets.length; i += batch) {
      const failed = await fetchBatch(ctx, targets.slice(i, i + batch), wanted, changedSince ?? 0);
      await ctx.drain();
      // RFC 3516 §4.3: a part BINARY cannot decode ends the FETCH (the messages before it answered).
      if (failed === "UNKNOWN-CTE") return no("Unknown Content-Transfer-Encoding", failed);
      if (failed === "PARSE") return no("Invalid data in MIME part", failed);
    }
    return ok("FETCH completed");
  },
});

/**
 * fetch-modifiers (RFC 7162 §3.1.4, §3.2.6): `CHANGEDSINCE n` and `VANISHED` (no value; its
 * preconditions need the session, so the handler checks them).
 */
function fetchModifiers(tokens: Token[]): { changedSince?: number; vanished?: boolean } {
  const out: { changedSince?: number; vanished?: boolean } = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const name = t.type === "atom" && !t.section ? t.value.toUpperCase() : "";
    if (name === "VANISHED") out.vanished = true;
    else if (name === "CHANGEDSINCE" && out.changedSince === undefined)
      out.changedSince = modSeqArg(tokens[++i], "FETCH CHANGEDSINCE", false);
    else throw new ArgError(`FETCH: unsupported modifier ${name.slice(0, 20)}`);
  }
  return out;
}

/**
 * Items the session's own view answers: the dispatcher brought it up to date with the store
 * before the command (see update-points.ts), so no message is read and no object is built per
 * message. FETCH 1:* (FLAGS) over 100,000 messages is a loop over typed arrays.
 */
const VIEW_ITEMS = new Set<FetchItem["kind"]>(["UID", "FLAGS", "MODSEQ"]);

/** Bytes written between waits for the socket to drain. */
const CHUNK = 64 * 1024;

export async function fetchFromView(
  ctx: CommandContext,
  indexes: readonly number[],
  items: FetchItem[],
  changedSince: number,
): Promise<void> {
  const selection = ctx.session.selected;
  const { tracker } = selection;
  const view = tracker.columns;
  const withFlags = items.some((i) => i.kind === "FLAGS");
  const showRecent = showsRecent(ctx.session);
  // A flag list is serialized (and its keywords announced) once per distinct list and \Recent.
  const flagText = new Map<number, string>();
  let text = "";
  for (const i of indexes) {
    if (tracker.isGone(i)) continue;
    const modSeq = view.modSeq(i);
    if (modSeq <= changedSince) continue;
    let line = `* ${i + 1} FETCH (`;
    for (let k = 0; k < items.length; k++) {
      if (k > 0) line += " ";
      const kind = items[k]!.kind;
      if (kind === "UID") line += `UID ${view.uid(i)}`;
      else if (kind === "MODSEQ") line += `MODSEQ (${modSeq})`;
      else {
        const recent = showRecent && tracker.isRecent(i);
        const key = (view.flagIds[i] as number) * 2 + (recent ? 1 : 0);
        let flags = flagText.get(key);
        if (flags === undefined) {
          flags = serialize(flagValues(view.flags(i), recent));
          flagText.set(key, flags);
          const announce = withFlags ? announceKeywords(selection, view.flags(i)) : [];
          if (announce.length > 0) {
            // The FLAGS response goes out before the first FETCH that uses a new keyword.
            if (text) ctx.sendLines(Buffer.from(text, "latin1"));
            text = "";
            for (const response of announce) ctx.send(response);
          }
        }
        line += `FLAGS ${flags}`;
      }
    }
    text += `${line})\r\n`;
    if (text.length >= CHUNK) {
      ctx.sendLines(Buffer.from(text, "latin1"));
      text = "";
      await ctx.drain();
    }
  }
  if (text) ctx.sendLines(Buffer.from(text, "latin1"));
}

/** A value as the writer puts it on the wire. */
function serialize(value: Value): string {
  const out = new ChunkList();
  writeValue(out, value);
  return Buffer.concat(out.finish()).toString("latin1");
}

/** Decoded BINARY parts of the messages of a batch (by index, then part number), or why one failed. */
async function binaryParts(
  items: FetchItem[],
  count: number,
  current: (i: number) => { raw: Buffer; msg: StoredMessage } | undefined,
): Promise<{ parts: Array<Map<string, Buffer> | undefined>; failed?: BinaryError; upTo: number }> {
  const paths = items.flatMap((i) => (i.kind === "binary" || i.kind === "binary.size" ? [i.path] : []));
  const parts: Array<Map<string, Buffer> | undefined> = [];
  if (paths.length === 0) return { parts, upTo: count };
  const slicer = new TimeSlicer();
  for (let i = 0; i < count; i++) {
    const found = current(i);
    if (!found) continue;
    const decoded = new Map<string, Buffer>();
    for (const path of paths) {
      const key = path.join(".");
      if (decoded.has(key)) continue;
      const bytes = await binaryPart(found.raw, found.msg.mime, path, slicer);
      if (typeof bytes === "string") return { parts, failed: bytes, upTo: i };
      decoded.set(key, bytes);
    }
    parts[i] = decoded;
  }
  return { parts, upTo: count };
}

async function fetchBatch(
  ctx: CommandContext,
  fullBatch: Target[],
  items: FetchItem[],
  changedSince: number,
): Promise<BinaryError | undefined> {
  const { store } = ctx.deps;
  const { runId } = ctx.session.user;
  const selection = ctx.session.selected;
  const { tracker, readOnly } = selection;
  const ids = fullBatch.map((t) => t.message.messageId);
  // Which messages' bytes are read (and must still exist): all of them, or, when only ENVELOPE
  // needs them, those whose ENVELOPE is not built yet; a warm FETCH ENVELOPE reads no bytes.
  const rawItems = items.filter((i) => needsRaw([i]));
  const rawForAll = rawItems.some((i) => i.kind !== "ENVELOPE");
  const readRaws = (wanted: (i: number) => boolean) =>
    Promise.all(ids.map((id, i) => (wanted(i) ? store.getRaw(runId, id) : undefined)));
  // Bytes every message needs are read alongside the messages, not after them.
  const [allMessages, rawsForAll] = await Promise.all([
    store.getMessages(runId, ids),
    rawForAll ? readRaws(() => true) : undefined,
  ]);
  const wantsRaw = (i: number): boolean => {
    if (rawForAll) return true;
    const msg = allMessages[i];
    return rawItems.length > 0 && !!msg && !envelopeWireCached(msg.mime);
  };
  const allRaws = rawsForAll ?? (rawItems.length > 0 ? await readRaws(wantsRaw) : undefined);
  // Expunged or moved away meanwhile (its event may still be in flight from another process):
  // the EXPUNGE comes when allowed; its new UID elsewhere must never show here.
  const current = (i: number) => {
    const msg = allMessages[i];
    const raw = allRaws?.[i];
    const target = fullBatch[i]!;
    if (
      !msg ||
      (wantsRaw(i) && !raw) ||
      msg.uid !== target.message.uid ||
      msg.mailboxId !== tracker.mailboxId
    )
      return undefined;
    return { msg, raw: raw as Buffer };
  };
  const binary = await binaryParts(items, fullBatch.length, current);
  // Only the messages before a part that failed to decode are answered (and marked \Seen).
  const batch = fullBatch.slice(0, binary.upTo);
  const messages = allMessages.slice(0, binary.upTo);
  const raws = allRaws?.slice(0, binary.upTo);

  let reportFlags = items.some((i) => i.kind === "FLAGS");
  let seenSet = false;
  if (!readOnly && setsSeen(items)) {
    const unseen = messages.filter(
      (m): m is StoredMessage => !!m && !m.flags.includes("\\Seen") && m.modSeq > changedSince,
    );
    if (unseen.length > 0) {
      const result = await store.updateFlags(
        runId,
        unseen.map((m) => m.id),
        { op: "add", flags: ["\\Seen"] },
      );
      const byId = new Map(result.updated.map((u) => [u.messageId, u]));
      for (const m of unseen) {
        const u = byId.get(m.id);
        if (u) {
          m.flags = u.flags;
          m.modSeq = u.modSeq;
        }
      }
      reportFlags = true;
      seenSet = true;
    }
  }
  // RFC 7162 §3.2: with CONDSTORE on, a FETCH that set \Seen reports UID and MODSEQ too.
  const condstore = seenSet && condstoreOn(ctx);

  batch.forEach((target, i) => {
    const msg = messages[i];
    const raw = raws?.[i];
    if (!msg || !current(i)) return;
    if (msg.modSeq <= changedSince) return;
    tracker.noteFlags(msg.uid, msg.flags, msg.modSeq);
    const out: Value[] = [];
    const flags = flagValues(msg.flags, target.message.recent && showsRecent(ctx.session));
    for (const item of items) appendItem(out, item, msg, raw, flags, binary.parts[i]);
    const withFlags = reportFlags || items.some((it) => it.kind === "FLAGS");
    if (withFlags) for (const response of announceKeywords(selection, msg.flags)) ctx.send(response);
    if (reportFlags && !items.some((it) => it.kind === "FLAGS")) out.push(atom("FLAGS"), flags);
    if (condstore) {
      if (!items.some((it) => it.kind === "UID")) out.push(atom("UID"), msg.uid);
      if (!items.some((it) => it.kind === "MODSEQ")) out.push(atom("MODSEQ"), [msg.modSeq]);
    }
    ctx.send([target.seq, atom("FETCH"), out]);
  });
  return binary.failed;
}

function appendItem(
  out: Value[],
  item: FetchItem,
  msg: StoredMessage,
  raw: Buffer | undefined,
  flags: Value[],
  binary: Map<string, Buffer> | undefined,
): void {
  switch (item.kind) {
    case "UID":
      out.push(atom("UID"), msg.uid);
      return;
    case "FLAGS":
      out.push(atom("FLAGS"), flags);
      return;
    case "MODSEQ":
      out.push(atom("MODSEQ"), [msg.modSeq]);
      return;
    case "INTERNALDATE":
      out.push(atom("INTERNALDATE"), formatDateTime(msg.internalDate));
      return;
    case "RFC822.SIZE":
      out.push(atom("RFC822.SIZE"), msg.size);
      return;
    case "ENVELOPE":
      out.push(atom("ENVELOPE"), envelopeWire(raw!, msg.mime));
      return;
    case "BODYSTRUCTURE":
      out.push(atom("BODYSTRUCTURE"), bodyStructure(raw!, msg.mime, true));
      return;
    case "BODY":
      out.push(atom("BODY"), bodyStructure(raw!, msg.mime, false));
      return;
    case "RFC822":
      out.push(atom("RFC822"), literal(raw!));
      return;
    case "RFC822.HEADER":
      out.push(
        atom("RFC822.HEADER"),
        bytesOrNil(sectionBytes(raw!, msg.mime, { path: [], specifier: "HEADER" })),
      );
      return;
    case "RFC822.TEXT":
      out.push(
        atom("RFC822.TEXT"),
        bytesOrNil(sectionBytes(raw!, msg.mime, { path: [], specifier: "TEXT" })),
      );
      return;
    case "section": {
      let bytes =
        item.spec.path.length === 0 && !item.spec.specifier ? raw! : sectionBytes(raw!, msg.mime, item.spec);
      if (bytes && item.partial) {
        const start = Math.min(item.partial.start, bytes.length);
        bytes = bytes.subarray(start, Math.min(bytes.length, start + item.partial.length));
      }
      out.push(atom(item.label), bytesOrNil(bytes));
      return;
    }
    case "binary.size":
      out.push(atom(item.label), binary!.get(item.path.join("."))!.length);
      return;
    case "binary": {
      let bytes = binary!.get(item.path.join("."))!;
      if (item.partial) {
        const start = Math.min(item.partial.start, bytes.length);
        bytes = bytes.subarray(start, Math.min(bytes.length, start + item.partial.length));
      }
      // literal8 where a plain literal cannot carry the bytes (NUL, RFC 3516 §4.3).
      out.push(atom(item.label), bytes.includes(0) ? literal8(bytes) : literal(bytes));
      return;
    }
  }
}

function bytesOrNil(bytes: Buffer | null): Value {
  return bytes ? literal(bytes) : null;
}
