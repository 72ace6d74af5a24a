/**
 * The flags a selected mailbox announces (RFC 3501 §7.2.6): FLAGS and PERMANENTFLAGS name the
 * system flags and every keyword in use, and a keyword must be announced again, before any
 * FETCH shows it, when it first appears (a STORE or COPY here, or a change made elsewhere).
 */

import type { UidColumns } from "@sandmail/store";
import { atom, type Value } from "../protocol/ast.js";
import type { Selection } from "./session.js";

export const SYSTEM_FLAGS = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"];

const isKeyword = (flag: string) => !flag.startsWith("\\");

/** The untagged FLAGS and OK [PERMANENTFLAGS] responses for this set of keywords. */
export function flagsResponses(keywords: Iterable<string>, readOnly: boolean): Value[][] {
  const all = [...SYSTEM_FLAGS, ...keywords];
  const permanent = readOnly ? "()" : `(${all.join(" ")} \\*)`;
  return [
    [atom("FLAGS"), all.map((f) => atom(f))],
    [
      atom("OK"),
      atom(`[PERMANENTFLAGS ${permanent}]`),
      atom(readOnly ? "Read-only mailbox" : "Flags permitted"),
    ],
  ];
}

/** Responses to write before flags that use keywords the client has not been told of (none if known). */
export function announceKeywords(selection: Selection, flags: readonly string[]): Value[][] {
  let fresh = false;
  for (const f of flags) {
    if (isKeyword(f) && !selection.keywords.has(f)) {
      selection.keywords.add(f);
      fresh = true;
    }
  }
  return fresh ? flagsResponses(selection.keywords, selection.readOnly) : [];
}

/** A message's FLAGS as written: stored flags plus this session's \Recent (after the system flags, as Dovecot). */
export function flagValues(flags: readonly string[], recent: boolean): Value[] {
  if (!recent) return flags.map((f) => atom(f));
  const out: Value[] = [];
  for (const f of flags) if (!isKeyword(f)) out.push(atom(f));
  out.push(atom("\\Recent"));
  for (const f of flags) if (isKeyword(f)) out.push(atom(f));
  return out;
}

/**
 * What SELECT announces about the client's view, in one pass over its flag column: the keywords
 * in use (in first-use order) and the sequence number of the first message without \Seen (0 if
 * none). Each distinct flag list is looked at once, not once per message.
 */
export function viewFlagFacts(
  view: UidColumns,
  count: number,
): { keywords: Set<string>; firstUnseen: number } {
  const keywords = new Set<string>();
  let firstUnseen = 0;
  const looked = new Uint8Array(view.flagSets.size);
  const { flagIds } = view;
  for (let i = 0; i < count; i++) {
    const id = flagIds[i] as number;
    if (looked[id]) {
      if (firstUnseen === 0 && looked[id] === UNSEEN) firstUnseen = i + 1;
      continue;
    }
    const flags = view.flagSets.get(id);
    for (const f of flags) if (isKeyword(f)) keywords.add(f);
    looked[id] = flags.includes("\\Seen") ? SEEN : UNSEEN;
    if (firstUnseen === 0 && looked[id] === UNSEEN) firstUnseen = i + 1;
  }
  return { keywords, firstUnseen };
}

const SEEN = 1;
const UNSEEN = 2;
