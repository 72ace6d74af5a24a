/**
 * RFC 5267 UPDATE: opening a live context for a SEARCH or SORT, and finding, at an update point,
 * which changed or newly announced messages joined or left each context's result. Matching is
 * the one SEARCH evaluation (search-run.ts), run over just those messages.
 */
import type { SearchKey } from "../content/index.js";
import type { SortCriterion } from "../content/sort-key.js";
import { sortNeedsHeaders, sortValues } from "../content/sort-key.js";
import type { SeqRange } from "../protocol/sequence.js";
import { statusLine } from "../protocol/writer.js";
import type { LiveChange, LiveContext, SortedEntry, SortValues } from "../session/live-results.js";
import { LiveResults } from "../session/live-results.js";
import type { Selection } from "../session/session.js";
import { searchMailbox } from "./search-run.js";
import { bad, type CommandContext, type CommandResult } from "./types.js";

type Reader = Pick<CommandContext, "session" | "deps">;

/** Ascending UIDs as ranges, runs joined (a UID key is matched range by range). */
function uidRanges(uids: readonly number[]): SeqRange[] {
  const out: SeqRange[] = [];
  for (const uid of uids) {
    const last = out[out.length - 1];
    if (last && uid === last.to + 1) last.to = uid;
    else out.push({ from: uid, to: uid });
  }
  return out;
}

/**
 * The key with message numbers and `$` replaced by the UIDs they name now: they are evaluated
 * when the command is received (RFC 5267 §4.3), so later renumbering changes nothing.
 */
export function freezeKey(key: SearchKey, selection: Selection): SearchKey {
  switch (key.type) {
    case "and":
      return { type: "and", keys: key.keys.map((k) => freezeKey(k, selection)) };
    case "or":
      return { type: "or", left: freezeKey(key.left, selection), right: freezeKey(key.right, selection) };
    case "not":
      return { type: "not", key: freezeKey(key.key, selection) };
    case "seq": {
      const { tracker } = selection;
      const uids = tracker.uids();
      const count = tracker.count;
      // Ranges resolved, sorted and joined first: a long list of overlapping ranges costs its
      // length plus the mailbox's, never their product.
      const spans = key.set
        .map((r) => {
          const a = r.from === Number.POSITIVE_INFINITY ? count : r.from;
          const b = r.to === Number.POSITIVE_INFINITY ? count : r.to;
          return { from: Math.min(a, b), to: Math.min(Math.max(a, b), count) };
        })
        .sort((x, y) => x.from - y.from);
      const named: number[] = [];
      let next = 1;
      for (const span of spans)
        for (let seq = Math.max(span.from, next); seq <= span.to; seq++, next = seq)
          named.push(uids[seq - 1] as number);
      return { type: "uid", set: uidRanges(named) };
    }
    case "saved":
      return { type: "uid", set: uidRanges(selection.searchResult ?? []) };
    default:
      return key;
  }
}

/** The highest UID the client has been told of. */
function announcedTop(selection: Selection): number {
  const { tracker } = selection;
  return tracker.count > 0 ? tracker.at(tracker.count)!.uid : 0;
}

/** The BAD for an UPDATE whose tag already names a live context (RFC 5267 §4.3), if it does. */
export function reusedTag(ctx: CommandContext): CommandResult | undefined {
  return ctx.session.selected.live?.has(ctx.command.tag) ? bad("Tag reuse") : undefined;
}

/**
 * Whether the context limit refuses this UPDATE; if so the untagged `NO [NOUPDATE "tag"]` is
 * written and the command's other return options still stand (RFC 5267 §4.3.1).
 */
export function refuseUpdate(ctx: CommandContext, sorted: boolean): boolean {
  const live = ctx.session.selected.live;
  if (!live || live.canOpen(sorted)) return false;
  ctx.sendLines(statusLine("*", "NO", "Too many live contexts", `NOUPDATE "${ctx.command.tag}"`));
  return true;
}

/** Opens a live context for the command just answered (`key` from freezeKey); `result` is what it found. */
export function openLiveContext(
  selection: Selection,
  context: { tag: string; uid: boolean; key: SearchKey; criteria?: SortCriterion[] },
  result: { uids: readonly number[]; sorted?: SortedEntry[] },
): void {
  selection.live ??= new LiveResults();
  selection.live.open(context, result, announcedTop(selection));
  selection.tracker.watchTouched(true);
}

/** CANCELUPDATE: false when a tag names no live context. */
export function cancelLiveContexts(selection: Selection, tags: readonly string[]): boolean {
  const live = selection.live;
  if (!live?.cancel(tags)) return false;
  if (live.size === 0) selection.tracker.watchTouched(false);
  return true;
}

/**
 * Which of `changed` (UIDs whose flags changed) and of the messages announced since the last
 * call joined or left each live context; the responses saying so.
 */
export async function liveUpdates(reader: Reader, selection: Selection, changed: readonly number[]) {
  const live = selection.live;
  if (!live || live.size === 0) return [];
  const { tracker } = selection;
  const seqs = new Set<number>();
  for (const uid of changed) {
    const seq = tracker.seqOfUid(uid);
    if (seq !== undefined) seqs.add(seq);
  }
  for (let seq = tracker.count; seq >= 1 && tracker.at(seq)!.uid > live.seenUid; seq--) seqs.add(seq);
  live.seenUid = Math.max(live.seenUid, announcedTop(selection));
  if (seqs.size === 0) return [];
  const candidates = [...seqs].sort((a, b) => a - b);
  const changes = new Map<LiveContext, LiveChange>();
  for (const context of live.list()) {
    const matched = new Map<number, SortValues | undefined>();
    const criteria = context.criteria;
    await searchMailbox(
      reader,
      context.key,
      ({ message, raw }) => {
        const facts = { internalDate: message.internalDate, size: message.size, root: message.mime, raw };
        matched.set(message.uid, criteria ? sortValues(criteria, facts) : undefined);
      },
      { seqs: candidates, headers: criteria !== undefined && sortNeedsHeaders(criteria) },
    );
    const change: LiveChange = { removed: [], added: [] };
    for (const seq of candidates) {
      const uid = tracker.at(seq)?.uid;
      if (uid === undefined) continue;
      if (matched.has(uid)) {
        if (!context.members.has(uid)) change.added.push({ uid, values: matched.get(uid) ?? [] });
      } else if (context.members.has(uid)) change.removed.push(uid);
    }
    changes.set(context, change);
  }
  return await live.apply(changes, (uid) => tracker.seqOfUid(uid));
}
