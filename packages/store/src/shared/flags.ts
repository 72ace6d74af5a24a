import { SandmailError, SystemFlags } from "@sandmail/core";
import type { FlagOperation } from "../contract.js";

const systemByLower = new Map<string, string>(SystemFlags.map((f) => [f.toLowerCase(), f]));

// An IMAP flag is an atom (optionally `\`-prefixed): no spaces, parentheses, quotes or wildcards.
const FLAG_PATTERN = /^\\?[^\s(){}%*"\\\]\x00-\x1f\x7f]+$/;

/**
 * Canonical flag list: system flags spelled as RFC 3501 spells them (IMAP flags compare
 * case-insensitively), duplicates dropped, `\Recent` dropped (it is session state, never stored).
 */
export function normalizeFlags(flags: readonly string[] | undefined): string[] {
  if (!flags) return [];
  if (!Array.isArray(flags)) throw new SandmailError("invalid_request", "flags must be an array of strings");
  const out: string[] = [];
  const seen = new Set<string>();
  for (const flag of flags) {
    if (typeof flag !== "string" || !FLAG_PATTERN.test(flag)) {
      throw new SandmailError("invalid_request", `invalid flag: ${JSON.stringify(flag)}`);
    }
    const lower = flag.toLowerCase();
    if (lower === "\\recent" || seen.has(lower)) continue;
    if (flag.startsWith("\\") && !systemByLower.has(lower)) {
      throw new SandmailError("invalid_request", `unknown system flag: ${flag}`);
    }
    seen.add(lower);
    out.push(systemByLower.get(lower) ?? flag);
  }
  return out;
}

/** The flags after applying `op`, or undefined when nothing changes. Inputs are normalized. */
export function applyFlagOp(current: readonly string[], op: FlagOperation, flags: readonly string[]) {
  let next: string[];
  if (op === "set") {
    next = [...flags];
  } else if (op === "add") {
    const have = new Set(current.map((f) => f.toLowerCase()));
    next = [...current];
    for (const f of flags) if (!have.has(f.toLowerCase())) next.push(f);
  } else if (op === "remove") {
    const drop = new Set(flags.map((f) => f.toLowerCase()));
    next = current.filter((f) => !drop.has(f.toLowerCase()));
  } else {
    throw new SandmailError("invalid_request", `unknown flag operation: ${String(op)}`);
  }
  return sameFlags(current, next) ? undefined : next;
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}

export function hasSeen(flags: readonly string[]): boolean {
  return flags.includes("\\Seen");
}
