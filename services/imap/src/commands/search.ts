/** SEARCH and UID SEARCH: keys compiled by the content layer, evaluated in store batches. */
import {
  compileSearch,
  matchSearch,
  needsRawFor,
  prepareSearch,
  type SearchKey,
  TimeSlicer,
} from "../content/index.js";
import { atom, type Token, type Value } from "../protocol/ast.js";
import { formatSet } from "../protocol/sequence.js";
import { ArgError } from "./args.js";
import { enableCondstore, searchUsesModSeq } from "./condstore.js";
import { defineCommand, ok, SELECTED } from "./types.js";

const BATCH = 512;

/** Keys that read the message's bytes (headers, body, Date); others use the index only. */
function needsContent(key: SearchKey): boolean {
  switch (key.type) {
    case "header":
    case "body":
    case "text":
      return true;
    case "date":
      return key.field === "sent";
    case "and":
      return key.keys.some(needsContent);
    case "or":
      return needsContent(key.left) || needsContent(key.right);
    case "not":
      return needsContent(key.key);
    default:
      return false;
  }
}

/** ESEARCH result options (RFC 4731); SAVE belongs to SEARCHRES, which is not offered. */
const RETURN_OPTIONS = new Set(["MIN", "MAX", "ALL", "COUNT"]);

interface SearchArgs {
  key: SearchKey;
  /** RETURN options: the answer is an ESEARCH response; absent for the RFC 3501 SEARCH response. */
  options?: Set<string>;
}

function parseSearch(tokens: Token[]): SearchArgs {
  const first = tokens[0];
  if (first?.type !== "atom" || first.section || first.value.toUpperCase() !== "RETURN") {
    return { key: compileSearch(tokens) };
  }
  const list = tokens[1];
  if (list?.type !== "list") throw new ArgError("SEARCH: RETURN needs a list of options");
  const options = new Set<string>();
  for (const t of list.items) {
    const name = t.type === "atom" && !t.section ? t.value.toUpperCase() : "";
    if (!RETURN_OPTIONS.has(name)) throw new ArgError("SEARCH: unsupported RETURN option");
    options.add(name);
  }
  // RETURN () means ALL (RFC 4731 §3.1).
  if (options.size === 0) options.add("ALL");
  return { key: compileSearch(tokens.slice(2)), options };
}

/** `* ESEARCH (TAG "t") [UID] MIN.. MAX.. COUNT.. ALL..`; MIN, MAX and ALL only when something matched. */
function esearchResponse(
  tag: string,
  uid: boolean,
  options: Set<string>,
  hits: readonly number[],
  modSeq: number | undefined,
): Value[] {
  const out: Value[] = [atom("ESEARCH"), [atom("TAG"), tag]];
  if (uid) out.push(atom("UID"));
  if (hits.length > 0 && options.has("MIN")) out.push(atom("MIN"), hits[0]!);
  if (hits.length > 0 && options.has("MAX")) out.push(atom("MAX"), hits[hits.length - 1]!);
  if (options.has("COUNT")) out.push(atom("COUNT"), hits.length);
  if (hits.length > 0 && options.has("ALL")) out.push(atom("ALL"), atom(formatSet(hits)));
  if (modSeq !== undefined && hits.length > 0) out.push(atom("MODSEQ"), modSeq);
  return out;
}

export default defineCommand({
  name: "SEARCH",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse: parseSearch,
  async handler(ctx, { key, options }) {
    const byUid = ctx.command.uid;
    const { runId } = ctx.session.user;
    const { store } = ctx.deps;
    const { tracker } = ctx.session.selected;
    const count = tracker.count;
    const maxUid = count > 0 ? tracker.at(count)!.uid : 0;
    const content = needsContent(key);
    const hits: number[] = [];
    // CONDSTORE: a MODSEQ search reports the highest mod-sequence of what it found.
    const modseq = searchUsesModSeq(key);
    if (modseq) enableCondstore(ctx);
    let topModSeq = 0;
    const slicer = new TimeSlicer();
    for (let start = 1; start <= count; start += BATCH) {
      const seqs: number[] = [];
      for (let s = start; s < start + BATCH && s <= count; s++) seqs.push(s);
      const tracked = seqs.map((s) => tracker.at(s)!);
      const ids = tracked.map((m) => m.messageId);
      const messages = await store.getMessages(runId, ids);
      // Bytes only for messages whose searchable content is not cached yet.
      const raws =
        content && messages.some((m) => m && needsRawFor(key, m.mime))
          ? await Promise.all(
              messages.map((m, i) =>
                m && needsRawFor(key, m.mime) ? store.getRaw(runId, ids[i]!) : undefined,
              ),
            )
          : undefined;
      for (let i = 0; i < seqs.length; i++) {
        const seq = seqs[i]!;
        const msg = messages[i];
        // Moved away meanwhile (its event may still be in flight): no longer this mailbox's.
        if (!msg || tracked[i]!.gone || msg.uid !== tracked[i]!.uid) continue;
        const bytes = raws?.[i];
        const raw = () => bytes ?? Buffer.alloc(0);
        // Large or many messages: decode in slices and let other connections in between.
        if (bytes) await prepareSearch(key, msg.mime, raw, slicer);
        const match = matchSearch(key, {
          seq,
          uid: msg.uid,
          flags: msg.flags,
          internalDate: msg.internalDate,
          size: msg.size,
          modSeq: msg.modSeq,
          raw,
          root: msg.mime,
          recent: tracked[i]!.recent,
          maxSeq: count,
          maxUid,
        });
        if (match) hits.push(byUid ? msg.uid : seq);
        if (match && msg.modSeq > topModSeq) topModSeq = msg.modSeq;
        if (slicer.due()) await slicer.pause();
      }
    }
    if (options) {
      ctx.send(esearchResponse(ctx.command.tag, byUid, options, hits, modseq ? topModSeq : undefined));
    } else {
      ctx.send([
        atom("SEARCH"),
        ...hits,
        ...(modseq && hits.length > 0 ? [[atom("MODSEQ"), topModSeq]] : []),
      ]);
    }
    return ok("SEARCH completed");
  },
});
