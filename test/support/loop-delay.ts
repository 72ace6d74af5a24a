import { sample } from "./metrics.js";
import { RESPONSIVE_LIMIT_MS } from "./responsiveness.js";

/** A scrape's longest event-loop stall and delay since the previous scrape, in ms. */
interface LoopFigures {
  /** sandmail_event_loop_stall_max_seconds: the loop held, less the main thread's wait for a CPU. */
  stall: number;
  /** sandmail_nodejs_eventloop_lag_max_seconds: the plain delay, the machine's load included. */
  lag: number;
}

/**
 * The longest event-loop stall the server recorded since the last scrape. Each scrape of /metrics
 * reads and resets both figures, so a scrape before and one after some work give the longest
 * stall inside that work, measured by the server itself: neither the test process's scheduling
 * nor the network is in it, nor (stall) the time the machine's other processes had the CPU.
 */
export async function loopFigures(apiUrl: string): Promise<LoopFigures> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const stall = sample(text, "sandmail_event_loop_stall_max_seconds");
  const lag = sample(text, "sandmail_nodejs_eventloop_lag_max_seconds");
  if (stall === undefined || lag === undefined) throw new Error("/metrics has no event-loop figures");
  return { stall: stall * 1000, lag: lag * 1000 };
}

export interface StallReport<T> extends LoopFigures {
  result: T;
  /** How long the work took, in ms. */
  workMs: number;
}

/**
 * Runs `work` up to `attempts` times and passes on the first try in which the server's event
 * loop was never held RESPONSIVE_LIMIT_MS or more (what a /healthz, an SMTP greeting or an IMAP
 * NOOP arriving meanwhile would have waited on top of the machine's own load). Work that holds
 * the loop fails every try; a second try is for the rare stall a loaded machine still causes
 * (a garbage collector's helper thread descheduled). `prepare` runs before each try, unmeasured.
 */
export async function loopStallUnder<T>(
  apiUrl: string,
  label: string,
  work: (attempt: number) => Promise<T>,
  options: { attempts?: number; prepare?: (attempt: number) => Promise<void> } = {},
): Promise<StallReport<T>> {
  const attempts = options.attempts ?? 3;
  const tries: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    await options.prepare?.(attempt);
    await loopFigures(apiUrl);
    const start = performance.now();
    const result = await work(attempt);
    const workMs = performance.now() - start;
    const figures = await loopFigures(apiUrl);
    const line = `${label}: took ${Math.round(workMs)} ms, loop held at most ${Math.round(figures.stall)} ms (delay with the machine's load ${Math.round(figures.lag)} ms)`;
    tries.push(line);
    if (figures.stall < RESPONSIVE_LIMIT_MS) {
      console.info(line);
      return { result, workMs, ...figures };
    }
  }
  throw new Error(
    `the server's event loop was held ${RESPONSIVE_LIMIT_MS} ms or more in every try:\n${tries.join("\n")}`,
  );
}
