import { dnsError } from "./dns-error.js";
import type { Resolver } from "./types.js";

/** Settles like `work`, or rejects with onTimeout() after ms, whichever comes first. */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, ms));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export type Outcome<T> = { kind: "done"; value: T } | { kind: "timeout" } | { kind: "error"; error: unknown };

class DeadlinePassed extends Error {}

/**
 * Runs a step unless the deadline already passed, and stops waiting for it at the deadline.
 * Never rejects: a step that throws or overruns is reported, so the caller can say temperror
 * for it and keep the results of the steps that finished.
 */
export async function settleBy<T>(deadlineAt: number, work: () => Promise<T>): Promise<Outcome<T>> {
  const remaining = deadlineAt - Date.now();
  if (remaining <= 0) return { kind: "timeout" };
  try {
    const value = await withTimeout(work(), remaining, () => new DeadlinePassed());
    return { kind: "done", value };
  } catch (error) {
    return error instanceof DeadlinePassed ? { kind: "timeout" } : { kind: "error", error };
  }
}

/** A resolver whose lookups fail with ETIMEOUT once deadlineAt has passed. */
export function resolverWithDeadline(resolver: Resolver, deadlineAt: number): Resolver {
  return async (name, rrtype) => {
    const remaining = deadlineAt - Date.now();
    if (remaining <= 0) throw dnsError("ETIMEOUT", name, rrtype);
    return withTimeout(resolver(name, rrtype), remaining, () => dnsError("ETIMEOUT", name, rrtype));
  };
}
