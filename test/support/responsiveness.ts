/**
 * Quick requests run back to back while some work is in flight: they show the server still
 * answers (a liveness check, LIVENESS_MS) and that the work overlapped them. How long each took
 * on the test's clock is no measure of the server's event loop on a shared machine (the test's
 * own scheduling and the other processes are in it): loop-delay.ts reads that from the server.
 */
export interface ProbeReport<T> {
  result: T;
  /** How long the attack took, in ms. */
  attackMs: number;
  /** Per probe: the duration of every call that ran while the attack was in flight, in ms. */
  samples: Record<string, number[]>;
}

/** The target: the server's event loop is never held this long. */
export const RESPONSIVE_LIMIT_MS = 100;

/**
 * A probe that takes this long means the server stopped answering, not that it was slow: a bound
 * no scheduling on a loaded machine reaches, for liveness only.
 */
export const LIVENESS_MS = 10_000;

/** Calls `probe`, failing if it has not answered within LIVENESS_MS. */
async function live(name: string, probe: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`probe ${name} had no answer within ${LIVENESS_MS} ms: the server stopped answering`),
        ),
      LIVENESS_MS,
    );
  });
  try {
    await Promise.race([probe(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function probeWhile<T>(
  attack: () => Promise<T>,
  probes: Record<string, () => Promise<unknown>>,
): Promise<ProbeReport<T>> {
  let settled = false;
  const samples: Record<string, number[]> = {};
  const loops = Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      const list: number[] = [];
      samples[name] = list;
      while (!settled) {
        const start = performance.now();
        await live(name, probe);
        list.push(performance.now() - start);
      }
    }),
  );
  // A probe's failure is reported once the attack settles, not as an unhandled rejection before.
  loops.catch(() => {});
  const start = performance.now();
  try {
    const result = await attack();
    return { result, attackMs: performance.now() - start, samples };
  } finally {
    settled = true;
    await loops;
  }
}

/** `name: n calls, max x ms` per probe, for assertion messages. */
export function describeSamples(samples: Record<string, number[]>): string {
  return Object.entries(samples)
    .map(([name, list]) => `${name}: ${list.length} calls, max ${Math.round(Math.max(0, ...list))} ms`)
    .join("; ");
}

/** The IMAP attack tests' probes: a NOOP on another IMAP connection and GET /healthz. */
export function imapProbes(
  noopClient: () => { noop(): Promise<unknown> },
  apiUrl: () => string,
): Record<string, () => Promise<unknown>> {
  return {
    noop: () => noopClient().noop(),
    healthz: async () => {
      const res = await fetch(`${apiUrl()}/healthz`);
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    },
  };
}
