import { SandmailError } from "@sandmail/core";

/** The hierarchy delimiter every front end uses. */
const DELIMITER = "/";

/**
 * Canonical folder name: `INBOX` (and the `INBOX/` prefix of its children) in upper case, since
 * RFC 3501 makes INBOX case-insensitive; a trailing delimiter dropped (CREATE `foo/`).
 */
export function normalizeMailboxName(name: string): string {
  if (typeof name !== "string") throw new SandmailError("invalid_request", "mailbox name must be a string");
  let n = name;
  while (n.endsWith(DELIMITER)) n = n.slice(0, -1);
  if (
    n.length === 0 ||
    n.length > 1000 ||
    n.startsWith(DELIMITER) ||
    n.includes("//") ||
    /[\r\n\0]/.test(n)
  ) {
    throw new SandmailError("invalid_request", `invalid mailbox name: ${JSON.stringify(name)}`);
  }
  const head = n.split(DELIMITER, 1)[0] ?? n;
  if (head.toUpperCase() === "INBOX") n = "INBOX" + n.slice(head.length);
  return n;
}

export function isInbox(name: string): boolean {
  return name === "INBOX";
}

/** The names `a`, `a/b` above `a/b/c`, outermost first. */
export function parentNames(name: string): string[] {
  const parts = name.split(DELIMITER);
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join(DELIMITER));
  return out;
}

/** True when `name` is `from` or lies below it. */
export function isSameOrChild(name: string, from: string): boolean {
  return name === from || name.startsWith(from + DELIMITER);
}

/** Folder listing order: INBOX first, then by name. */
export function byFolderName(a: { name: string }, b: { name: string }): number {
  if (a.name === "INBOX") return -1;
  if (b.name === "INBOX") return 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A name for lookups: an invalid one simply matches nothing. */
export function lookupName(name: string): string {
  try {
    return normalizeMailboxName(name);
  } catch {
    return "";
  }
}
