import {
  type ActiveFaults,
  FAULT_RNG_MODULUS,
  type FaultRule,
  type FaultRuleState,
  nextFaultRngState,
} from "@sandmail/core";
import { GREYLIST_KEPT, keptFaultRules, rngStartOf } from "../shared/faults.js";
import type { RunState } from "./state.js";

/** A run's fault rules with their counters (one generation: replaced whole by every PUT). */
export interface FaultsRecord {
  active: ActiveFaults;
  remaining: Array<number | null>;
  fired: number[];
  rng: number[];
  /** First attempt (epoch ms) per greylisting key, `<rule index>|<key>`. */
  greylist: Map<string, number>;
}

export function setFaults(state: RunState, rules: FaultRule[]): FaultRuleState[] {
  const kept = keptFaultRules(rules);
  const generation = ++state.faultGeneration;
  state.faults =
    kept.length === 0
      ? undefined
      : {
          active: { generation, rules: kept },
          remaining: kept.map((r) => r.count ?? null),
          fired: kept.map(() => 0),
          rng: kept.map(rngStartOf),
          greylist: new Map(),
        };
  return getFaults(state);
}

export function getFaults(state: RunState): FaultRuleState[] {
  const f = state.faults;
  if (!f) return [];
  return f.active.rules.map((rule, i) => ({
    ...rule,
    remaining: f.remaining[i] ?? null,
    fired: f.fired[i] ?? 0,
  }));
}

export function fireFault(state: RunState, generation: number, index: number): boolean {
  const f = state.faults;
  const rule = f?.active.generation === generation ? f.active.rules[index] : undefined;
  if (!f || !rule) return false;
  if (rule.probability !== undefined) {
    const next = nextFaultRngState(f.rng[index] ?? 1);
    f.rng[index] = next;
    if (next / FAULT_RNG_MODULUS >= rule.probability) return false;
  }
  const remaining = f.remaining[index];
  if (remaining !== null && remaining !== undefined) {
    if (remaining <= 0) return false;
    f.remaining[index] = remaining - 1;
  }
  f.fired[index] = (f.fired[index] ?? 0) + 1;
  return true;
}

export function greylistAttempt(
  state: RunState,
  now: number,
  generation: number,
  index: number,
  key: string,
): number {
  const f = state.faults;
  if (f?.active.generation !== generation) return -1;
  const field = `${index}|${key}`;
  const first = f.greylist.get(field);
  if (first !== undefined) return Math.max(0, now - first);
  if (f.greylist.size >= GREYLIST_KEPT) f.greylist.clear();
  f.greylist.set(field, now);
  return -1;
}
