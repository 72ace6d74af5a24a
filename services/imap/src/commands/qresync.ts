/**
 * QRESYNC (RFC 7162 §3.2): turning it on, the SELECT/EXAMINE parameter, and VANISHED (EARLIER),
 * the answer to "which of the UIDs I knew are gone since mod-sequence n", used by SELECT and by
 * UID FETCH (CHANGEDSINCE n VANISHED). Live expunges become VANISHED in the dispatcher
 * (connection.ts) once the session has it on.
 *
 * The store remembers a bounded number of expunges per mailbox (MailStore.expungedSince). When a
 * client asks from before what it remembers, the answer is every UID of the asked range that is
 * not in the mailbox now: RFC 7162 §3.2.5.2 lets VANISHED (EARLIER) name UIDs expunged before n
 * (or never seen by the client); it never misses a real expunge, so the client's cache ends right.
 */
import { lowerBound } from "@sandmail/core";
import { atom, type Token } from "../protocol/ast.js";
import {
  formatSet,
  parseSequenceSet,
  SEARCH_RESULT,
  type SeqRange,
  SequenceSetError,
} from "../protocol/sequence.js";
import type { Selection } from "../session/session.js";
import { ArgError } from "./args.js";
import { enableCondstore, modSeqArg } from "./condstore.js";
import type { CommandContext } from "./types.js";

export const QRESYNC = "QRESYNC";

export function qresyncOn(ctx: CommandContext): boolean {
  return ctx.session.enabled.has(QRESYNC);
}

/** ENABLE QRESYNC: it implies CONDSTORE (RFC 7162 §3.2.3). */
export function enableQresync(ctx: CommandContext): void {
  ctx.session.enabled.add(QRESYNC);
  enableCondstore(ctx);
}

/** `QRESYNC (uidvalidity modseq [known-uids [(known-sequence-set known-uid-set)]])`. */
export interface QresyncParams {
  uidValidity: number;
  modSeq: number;
  /** The UIDs the client knows of; absent: all of them (RFC 7162 §3.2.5.1). */
  knownUids?: SeqRange[];
}

/** The QRESYNC select parameter's value; throws ArgError (BAD) when malformed. */
export function parseQresyncParams(token: Token | undefined): QresyncParams {
  if (token?.type !== "list" || token.items.length < 2 || token.items.length > 4) {
    throw new ArgError("Invalid QRESYNC parameters");
  }
  const [validity, modSeq, known, match] = token.items;
  if (validity?.type !== "atom" || validity.section || !/^[1-9]\d{0,9}$/.test(validity.value)) {
    throw new ArgError("QRESYNC: invalid UIDVALIDITY");
  }
  const uidValidity = Number(validity.value);
  if (uidValidity > 0xffffffff) throw new ArgError("QRESYNC: invalid UIDVALIDITY");
  const params: QresyncParams = { uidValidity, modSeq: modSeqArg(modSeq, "QRESYNC", true) };
  if (known) params.knownUids = fixedSet(known, "known-uids");
  if (match) {
    // seq-match-data is checked but not used: the store's expunge record answers exactly, and
    // past its bound the fallback names every UID that is gone, which is right whatever it says.
    if (match.type !== "list" || match.items.length !== 2) {
      throw new ArgError("QRESYNC: known-sequence-set and known-uid-set expected");
    }
    const seqs = fixedSet(match.items[0], "known-sequence-set");
    const uids = fixedSet(match.items[1], "known-uid-set");
    if (setSize(seqs) !== setSize(uids)) throw new ArgError("QRESYNC: invalid sets");
  }
  return params;
}

/** A sequence set without `*` or `$` (RFC 7162 `known-uids`, `seq-match-data`). */
function fixedSet(token: Token | undefined, what: string): SeqRange[] {
  if (token?.type !== "atom" || token.section || token.value.includes("*")) {
    throw new ArgError(`QRESYNC: invalid ${what}`);
  }
  try {
    const ranges = parseSequenceSet(token.value);
    if (ranges === SEARCH_RESULT) throw new ArgError(`QRESYNC: invalid ${what}`);
    return ranges;
  } catch (err) {
    if (err instanceof SequenceSetError) throw new ArgError(`QRESYNC: invalid ${what}`);
    throw err;
  }
}

function setSize(ranges: SeqRange[]): number {
  return ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
}

/**
 * Writes `* VANISHED (EARLIER) <uids>` for the UIDs within `ranges` (all when absent; `*` is
 * unbounded) that left the selected mailbox after `since`; nothing when there are none.
 */
export async function sendVanishedEarlier(
  ctx: CommandContext,
  since: number,
  ranges?: SeqRange[],
): Promise<void> {
  const selection = ctx.session.selected;
  const within = normalize(
    ranges === SEARCH_RESULT ? (selection.searchResult ?? []).map((uid) => ({ from: uid, to: uid })) : ranges,
    selection,
  );
  if (within.length === 0) return;
  const { mailbox } = selection;
  const expunged = await ctx.deps.store.expungedSince(ctx.session.user.runId, mailbox.id, since);
  const set =
    since >= expunged.floor
      ? formatSet(expunged.uids.filter((uid) => contains(within, uid)))
      : missingUids(within, presentUids(selection));
  if (set) ctx.send([atom("VANISHED"), [atom("EARLIER")], atom(set)]);
}

/** Ranges sorted, merged, clipped to the UIDs the mailbox has handed out. */
function normalize(ranges: SeqRange[] | undefined, selection: Selection): SeqRange[] {
  const top = Math.max(selection.mailbox.uidNext - 1, selection.tracker.highestUid);
  const sorted = (ranges ?? [{ from: 1, to: top }])
    .map((r) => ({ from: r.from, to: Math.min(r.to, top) }))
    .filter((r) => r.from <= r.to)
    .sort((a, b) => a.from - b.from);
  const out: SeqRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

function contains(ranges: SeqRange[], uid: number): boolean {
  const i = lowerBound(ranges, uid, (r) => r.to);
  return i < ranges.length && ranges[i]!.from <= uid;
}

/** The UIDs of the session's view that are still in the mailbox, ascending. */
function presentUids(selection: Selection): number[] {
  const { tracker } = selection;
  const view = tracker.columns;
  const out: number[] = [];
  for (let i = 0; i < view.length; i++) if (!tracker.isGone(i)) out.push(view.uid(i));
  return out;
}

/** `1:3,7` form of the UIDs within `ranges` (sorted, merged) that `present` (ascending) lacks. */
export function missingUids(ranges: SeqRange[], present: readonly number[]): string {
  const parts: string[] = [];
  const gap = (from: number, to: number) => {
    if (from <= to) parts.push(from === to ? String(from) : `${from}:${to}`);
  };
  for (const r of ranges) {
    let next = r.from;
    for (let i = lowerBound(present, r.from, (u) => u); i < present.length && present[i]! <= r.to; i++) {
      gap(next, present[i]! - 1);
      next = present[i]! + 1;
    }
    gap(next, r.to);
  }
  return parts.join(",");
}
