/**
 * The one SEARCH evaluation loop, shared by SEARCH, SORT and THREAD: the selected mailbox is
 * read in store batches, each message matched against the compiled key, and each match handed
 * to the caller together with what it may read (its bytes only when a key or the caller needs
 * header text that is not cached yet). Large or many messages are decoded in time slices, so no
 * search holds the event loop for long.
 */
import type { MimeNode } from "@sandmail/core";
import type { MessageParts } from "@sandmail/store";
import {
  matchSearch,
  needsRawFor,
  prepareSearch,
  type SearchKey,
  someSearchLeaf,
  TimeSlicer,
} from "../content/index.js";
import { textCached } from "../content/message-text.js";
import type { CommandContext } from "./types.js";

const BATCH = 512;

/** Keys that read the message's bytes (headers, body, Date); others use the index only. */
function needsContent(key: SearchKey): boolean {
  return someSearchLeaf(key, (leaf) => {
    switch (leaf.type) {
      case "header":
      case "body":
      case "text":
        return true;
      case "date":
        return leaf.field === "sent";
      default:
        return false;
    }
  });
}

/** What a hit tells its caller: the message as the session's view has it, with its fixed parts. */
export interface SearchedMessage {
  uid: number;
  modSeq: number;
  internalDate: Date;
  size: number;
  mime: MimeNode;
}

export interface SearchHit {
  seq: number;
  message: SearchedMessage;
  /** The stored bytes (empty unless they were read for this message). */
  raw: () => Buffer;
}

export interface SearchRunOptions {
  /** The caller reads top-level header fields of every hit (SORT, THREAD). */
  headers?: boolean;
  /** Only these sequence numbers (ascending, all known to the client), not the whole mailbox. */
  seqs?: readonly number[];
}

/**
 * Runs `key` over the selected mailbox (or `options.seqs` of it) in sequence order, calling
 * `onHit` for each match. Needs no command: live results (RFC 5267 UPDATE) are re-checked with
 * it at update time. UID, flags and mod-sequence come from the session's view (brought up to
 * date before a command, and by the flush that reports updates); the store gives only what never
 * changes, which a RedisStore answers from its per-process cache without a round trip once the
 * messages were read.
 */
export async function searchMailbox(
  ctx: Pick<CommandContext, "session" | "deps">,
  key: SearchKey,
  onHit: (hit: SearchHit) => void,
  options: SearchRunOptions = {},
): Promise<void> {
  const { runId } = ctx.session.user;
  const { store } = ctx.deps;
  const { tracker } = ctx.session.selected;
  const count = tracker.count;
  const maxUid = count > 0 ? tracker.at(count)!.uid : 0;
  const content = needsContent(key);
  const needsRaw = (m: MessageParts): boolean =>
    (content && needsRawFor(key, m.mime)) || (options.headers === true && !textCached(m.mime, "headers"));
  const { searchResult } = ctx.session.selected;
  const saved = searchResult && searchResult.length > 0 ? new Set(searchResult) : undefined;
  const slicer = new TimeSlicer();
  const only = options.seqs;
  const total = only ? only.length : count;
  for (let start = 0; start < total; start += BATCH) {
    const seqs: number[] = [];
    for (let k = start; k < start + BATCH && k < total; k++) seqs.push(only ? only[k]! : k + 1);
    const tracked = seqs.map((s) => tracker.at(s)!);
    const ids = tracked.map((m) => m.messageId);
    const parts = await store.messageParts(runId, ids);
    // Bytes only for messages whose searchable content is not cached yet.
    const raws = parts.some((m) => m && needsRaw(m))
      ? await Promise.all(parts.map((m, i) => (m && needsRaw(m) ? store.getRaw(runId, ids[i]!) : undefined)))
      : undefined;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      const fixed = parts[i];
      const view = tracked[i]!;
      // Expunged meanwhile (its EXPUNGE not yet reported): nothing to match.
      if (!fixed || view.gone || (raws && needsRaw(fixed) && !raws[i])) continue;
      const bytes = raws?.[i];
      const raw = () => bytes ?? Buffer.alloc(0);
      // Large or many messages: decode in slices and let other connections in between.
      if (bytes) await prepareSearch(key, fixed.mime, raw, slicer);
      const match = matchSearch(key, {
        seq,
        uid: view.uid,
        flags: view.flags,
        internalDate: fixed.internalDate,
        size: fixed.size,
        modSeq: view.modSeq,
        raw,
        root: fixed.mime,
        recent: view.recent,
        maxSeq: count,
        maxUid,
        ...(saved ? { saved } : {}),
      });
      if (match) {
        const message = {
          uid: view.uid,
          modSeq: view.modSeq,
          internalDate: fixed.internalDate,
          size: fixed.size,
          mime: fixed.mime,
        };
        onHit({ seq, message, raw });
      }
      if (slicer.due()) await slicer.pause();
    }
  }
}
