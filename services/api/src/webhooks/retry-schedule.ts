const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `5s,30s,2m` as milliseconds (the format is checked by the config schema). */
export function parseRetrySchedule(spec: string): number[] {
  return spec
    .split(",")
    .map((part) => /^\s*(\d+)(ms|s|m|h)\s*$/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

/**
 * The wait before the retry that follows failed attempt `n` of a round (1-based), or undefined
 * when the schedule is used up. Jittered by ±20% so receivers that failed together do not all
 * get their retries at the same instant.
 */
export function retryDelay(schedule: readonly number[], n: number, random = Math.random): number | undefined {
  const base = schedule[n - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (0.8 + 0.4 * random()));
}
