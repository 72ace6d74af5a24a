import { REDACTED } from "./transcript.js";

/**
 * The first `keep` words of a command line, then `[redacted]` if anything followed: what a
 * transcript shows of `AUTH PLAIN <payload>` (keep 2), `PASS <token>` (keep 1), and the like.
 * Whatever follows is dropped unseen, so a malformed line never leaks the secret either.
 */
export function keepWords(line: string, keep: number): string {
  const words = line.trimStart().split(/\s+/);
  if (words.length <= keep || (words.length === keep + 1 && words[keep] === "")) return line.trimEnd();
  return `${words.slice(0, keep).join(" ")} ${REDACTED}`;
}
