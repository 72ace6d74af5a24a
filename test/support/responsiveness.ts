/**
 * Measures how long quick requests take while an attack request is in flight. Each probe runs
 * back to back until the attack settles; a probe that took long means the event loop (shared by
 * SMTP, IMAP and the API) was held.
 */
export interface ProbeReport<T> {
  result: T;
  /** How long the attack took, in ms. */
  attackMs: number;
  /** Per probe: the duration of every call that ran while the attack was in flight, in ms. */
  samples: Record<string, number[]>;
}

export async function probeWhile<T>(
  attack: () => Promise<T>,
  probes: Record<string, () => Promise<unknown>>,
): Promise<ProbeReport<T>> {
  let settled = false;
  const samples: Record<string, number[]> = {};
  const loops = Object.entries(probes).map(async ([name, probe]) => {
    const list: number[] = [];
    samples[name] = list;
    while (!settled) {
      const start = performance.now();
      await probe();
      list.push(performance.now() - start);
    }
  });
  const start = performance.now();
  try {
    const result = await attack();
    return { result, attackMs: performance.now() - start, samples };
  } finally {
    settled = true;
    await Promise.all(loops);
  }
}

/** `name: n calls, max x ms` per probe, for assertion messages. */
export function describeSamples(samples: Record<string, number[]>): string {
  return Object.entries(samples)
    .map(([name, list]) => `${name}: ${list.length} calls, max ${Math.round(Math.max(0, ...list))} ms`)
    .join("; ");
}

/** The target: an attack in flight adds at most this to any probe. */
export const RESPONSIVE_LIMIT_MS = 100;

/**
 * Runs an attack while probing, up to `attempts` times, and passes on the first try in which no
 * probe took RESPONSIVE_LIMIT_MS more than the slowest probe of a quiet second just before. The
 * machine is shared, so a stall of the whole process can come from elsewhere; what is measured is
 * the attack's effect (on a quiet machine the noise is a few ms). An attack that holds the loop
 * fails every try. `attack(attempt)` must be repeatable; `check` asserts what it returned.
 */
export async function underAttack<T>(
  label: string,
  probes: Record<string, () => Promise<unknown>>,
  attack: (attempt: number) => Promise<T>,
  options: {
    attempts?: number;
    /** Runs before each try's quiet second, outside the measurement. */
    prepare?: (attempt: number) => Promise<void>;
    check?: (result: T) => void;
  } = {},
): Promise<ProbeReport<T>> {
  const attempts = options.attempts ?? 3;
  const tries: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    await options.prepare?.(attempt);
    const quiet = await probeWhile(() => new Promise((resolve) => setTimeout(resolve, 1000)), probes);
    const noise = Math.max(...Object.values(quiet.samples).flat());
    const report = await probeWhile(() => attack(attempt), probes);
    options.check?.(report.result);
    const lists = Object.values(report.samples);
    const ran = lists.every((list) => list.length > 0);
    const line =
      `${label} took ${Math.round(report.attackMs)} ms; ${describeSamples(report.samples)}; ` +
      `with no attack: ${describeSamples(quiet.samples)}`;
    tries.push(line);
    if (ran && lists.every((list) => Math.max(...list) < RESPONSIVE_LIMIT_MS + noise)) {
      console.info(line);
      return report;
    }
  }
  throw new Error(
    `a probe took ${RESPONSIVE_LIMIT_MS} ms more than with no attack (or none ran during it) in every try:\n${tries.join("\n")}`,
  );
}
