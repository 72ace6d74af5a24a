/**
 * Where a connection may tell its client about changes made elsewhere (RFC 3501 §5.2, §5.5,
 * §7.4.1). The dispatcher names the point; the rule lives here, in one place, so no command can
 * get it wrong by forgetting a flag.
 *
 * - before a command runs: EXISTS and FETCH FLAGS only (sequence numbers only grow), so a SEARCH
 *   or FETCH right after new mail sees it without a NOOP first;
 * - after a command, before its tagged reply: everything, except EXPUNGE after a FETCH, STORE or
 *   SEARCH (their UID forms allow it): the client may be matching those replies by number;
 * - while idling: everything, as it happens (RFC 2177);
 * - never when no command is in progress.
 */
import type { Command } from "../protocol/ast.js";

export type UpdatePoint =
  | { at: "command-start"; command: Command }
  | { at: "command-end"; command: Command }
  | { at: "idle" };

/** Commands whose non-UID form must not see an EXPUNGE (RFC 3501 §7.4.1). */
const NUMBERED = new Set(["FETCH", "STORE", "SEARCH"]);

/** Commands that read or change the selected mailbox: they start from an up-to-date view. */
const FRESH_VIEW = new Set(["FETCH", "STORE", "SEARCH", "COPY", "MOVE", "EXPUNGE"]);

/** Commands that only report: their end flush reports all, once the store was checked. */
const SYNC_ONLY = new Set(["NOOP", "CHECK"]);

export function expungeAllowed(point: UpdatePoint): boolean {
  if (point.at === "idle") return true;
  if (point.at === "command-start") return false;
  return point.command.uid || !NUMBERED.has(point.command.name);
}

/**
 * What the command needs before it runs: `flush` (check the store for changes still in flight
 * from other processes, then report EXISTS / FETCH), `sync` (only the check), or nothing.
 */
export function freshView(command: Command): "flush" | "sync" | undefined {
  if (FRESH_VIEW.has(command.name)) return "flush";
  return SYNC_ONLY.has(command.name) ? "sync" : undefined;
}
