/** SEARCH and UID SEARCH: keys compiled by the content layer, evaluated in store batches. */
import {
  compileSearch,
  matchSearch,
  needsRawFor,
  prepareSearch,
  type SearchKey,
  TimeSlicer,
} from "../content/index.js";
import { atom } from "../protocol/ast.js";
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

export default defineCommand({
  name: "SEARCH",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse: (tokens) => compileSearch(tokens),
  async handler(ctx, key) {
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
    ctx.send([atom("SEARCH"), ...hits, ...(modseq && hits.length > 0 ? [[atom("MODSEQ"), topModSeq]] : [])]);
    return ok("SEARCH completed");
  },
});
