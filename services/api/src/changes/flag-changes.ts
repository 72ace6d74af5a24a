import { SandmailError } from "@sandmail/core";
import type { UpdateFlagsInput } from "@sandmail/store";
import type { PatchMessage } from "../schemas/messages.js";

/**
 * A PATCH body -> the store flag operations that carry it out, in order: replace, add, remove.
 * Each is a separate atomic store change (and IMAP event), so a concurrent IMAP client's own
 * changes to other flags are never overwritten by a read-modify-write here.
 */
export function flagChanges(patch: PatchMessage): UpdateFlagsInput[] {
  const add = [...(patch.addFlags ?? [])];
  const remove = [...(patch.removeFlags ?? [])];
  if (patch.seen !== undefined) (patch.seen ? add : remove).push("\\Seen");
  if (patch.flagged !== undefined) (patch.flagged ? add : remove).push("\\Flagged");

  const removing = new Set(remove.map((f) => f.toLowerCase()));
  const clash = add.find((f) => removing.has(f.toLowerCase()));
  if (clash !== undefined) {
    throw new SandmailError("invalid_request", `flag ${clash} is both added and removed`);
  }

  const ops: UpdateFlagsInput[] = [];
  if (patch.flags !== undefined) ops.push({ op: "set", flags: patch.flags });
  if (add.length > 0) ops.push({ op: "add", flags: add });
  if (remove.length > 0) ops.push({ op: "remove", flags: remove });
  return ops;
}
