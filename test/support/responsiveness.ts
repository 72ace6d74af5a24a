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
