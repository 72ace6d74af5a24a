import { checkFaultRules, type FaultRule, faultRngStart } from "@sandmail/core";

/**
 * The rules as a store keeps them: checked, and a `probability` rule without a seed given a
 * random one (shown by GET, so a failing test can be replayed with it).
 */
export function keptFaultRules(rules: FaultRule[]): FaultRule[] {
  return checkFaultRules(rules).map((rule) =>
    rule.probability !== undefined && rule.seed === undefined
      ? { ...rule, seed: Math.floor(Math.random() * 2 ** 32) }
      : rule,
  );
}

/** The generator's first state for a rule (0 for a rule without `probability`: it never draws). */
export function rngStartOf(rule: FaultRule): number {
  return rule.probability === undefined ? 0 : faultRngStart(rule.seed ?? 0);
}

/** Greylisting remembers at most this many (sender, recipient) pairs per rule set, then starts over. */
export const GREYLIST_KEPT = 10_000;
