import type { DnsAnswer, Resolver } from "./types.js";

/**
 * Answers each name/type once per message. DKIM and ARC can ask for the same key, and it lets
 * the DMARC record be fetched while SPF and DKIM are still running, so a slow SPF lookup does
 * not leave DMARC without time to decide.
 */
export function memoResolver(resolver: Resolver): Resolver {
  const answers = new Map<string, Promise<DnsAnswer>>();
  return (name, rrtype) => {
    const key = `${name.toLowerCase()}\u0000${rrtype.toUpperCase()}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = resolver(name, rrtype);
      answers.set(key, answer);
    }
    return answer;
  };
}

/** Starts a lookup now for later use, without letting its failure go unhandled. */
export function prefetch(resolver: Resolver, name: string, rrtype: string): void {
  resolver(name, rrtype).catch(() => undefined);
}
