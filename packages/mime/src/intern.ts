import type { MimeNode } from "@sandmail/core";

/**
 * Sharing of the small values every stored message repeats. A MemoryStore keeps each message's
 * MIME tree for the life of its run; without sharing, 100,000 messages would carry 100,000 copies
 * of "text/plain", "7bit", {charset: "utf-8"} and empty child lists. Shared values are frozen,
 * since nothing may change one message's tree through another's.
 */
const MAX_INTERNED = 20_000;
const MAX_LENGTH = 64;
const strings = new Map<string, string>();
const paramSets = new Map<string, Readonly<Record<string, string>>>();
const NO_CHILDREN: MimeNode[] = Object.freeze([]) as unknown as MimeNode[];

export function internString(value: string): string {
  if (value.length > MAX_LENGTH) return value;
  const known = strings.get(value);
  if (known !== undefined) return known;
  // A bounded table: past it, values simply stop being shared (a flood of unique values must
  // not grow it without end).
  if (strings.size < MAX_INTERNED) strings.set(value, value);
  return value;
}

function internParams(params: Record<string, string>): Record<string, string> {
  const keys = Object.keys(params);
  if (keys.length === 0 || keys.length > 2) return params;
  // Boundaries are unique per message: sharing them would only fill the table.
  if ("boundary" in params) return params;
  const key = JSON.stringify(params);
  if (key.length > MAX_LENGTH * 2) return params;
  const known = paramSets.get(key);
  if (known) return known as Record<string, string>;
  const shared = Object.freeze(
    Object.fromEntries(keys.map((k) => [internString(k), internString(params[k] ?? "")])),
  );
  if (paramSets.size < MAX_INTERNED) paramSets.set(key, shared);
  return shared as Record<string, string>;
}

const dates = new Map<number, Date>();
const MAX_DATES = 4096;

/**
 * One Date object per timestamp among recent messages: a burst of test mail mostly shares the
 * second its Date header names, and a Date costs about 100 bytes. Stored summaries are never
 * changed in place, so sharing is safe.
 */
export function internDate(date: Date): Date {
  const time = date.getTime();
  const known = dates.get(time);
  if (known) return known;
  if (dates.size >= MAX_DATES) dates.clear();
  dates.set(time, date);
  return date;
}

/** Replaces repeated values in a freshly built tree with shared ones; returns the same tree. */
export function compactTree(node: MimeNode): MimeNode {
  node.part = internString(node.part);
  node.contentType = internString(node.contentType);
  node.encoding = internString(node.encoding);
  node.params = internParams(node.params);
  if (node.disposition !== undefined) node.disposition = internString(node.disposition);
  if (node.dispositionParams) node.dispositionParams = internParams(node.dispositionParams);
  if (node.children.length === 0) node.children = NO_CHILDREN;
  else {
    // Grown by push(), the list has room for 17 parts; keep an exact copy.
    node.children = node.children.slice();
    for (const child of node.children) compactTree(child);
  }
  if (node.message) compactTree(node.message);
  return node;
}
