import { expect } from "vitest";
import { sample } from "./metrics.js";
import { describeSamples, probeWhile, RESPONSIVE_LIMIT_MS } from "./responsiveness.js";

/** A scrape's longest event-loop stall and delay since the previous scrape, in ms. */
interface LoopFigures {
  /** sandmail_event_loop_stall_max_seconds: the loop held, counting the main thread's time on a CPU only. */
  stall: number;
  /** sandmail_nodejs_eventloop_lag_max_seconds: the plain delay, the machine's load included. */
  lag: number;
}

/**
 * The longest event-loop stall the server recorded since the last scrape. Each scrape of /metrics
 * reads and resets both figures, so a scrape before and one after some work give the longest
 * stall inside that work, measured by the server itself: neither the test process's scheduling
 * nor the network is in it, nor (stall) the time the machine's other processes had the CPU.
 * (@sandmail/metrics' startLoopStallMeter says how.)
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
  /** Per probe (when given): the duration of every call made while the work ran, in ms. */
  samples: Record<string, number[]>;
}

/**
 * Runs `work` up to `attempts` times and passes on the first try in which the server's event
 * loop was never held RESPONSIVE_LIMIT_MS or more (what a /healthz, an SMTP greeting or an IMAP
 * NOOP arriving meanwhile would have waited on top of the machine's own load). Work that holds
 * the loop fails every try; a second try is for the rare stall a loaded machine still causes
 * (a garbage collector's helper thread descheduled). `prepare` runs before each try, unmeasured;
 * `check` asserts what the work returned.
 *
 * `probes`, when given, are called back to back while the work runs, as a liveness check: each
 * must answer within LIVENESS_MS (responsiveness.ts), or the test fails at once. Their durations
 * on the test's clock are logged, never asserted: on a loaded machine they measure the machine.
 */
export async function loopStallUnder<T>(
  apiUrl: string,
  label: string,
  work: (attempt: number) => Promise<T>,
  options: {
    attempts?: number;
    prepare?: (attempt: number) => Promise<void>;
    check?: (result: T) => void;
    probes?: Record<string, () => Promise<unknown>>;
  } = {},
): Promise<StallReport<T>> {
  const attempts = options.attempts ?? 3;
  const tries: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    await options.prepare?.(attempt);
    await loopFigures(apiUrl);
    const { result, attackMs: workMs, samples } = await probeWhile(() => work(attempt), options.probes ?? {});
    const figures = await loopFigures(apiUrl);
    options.check?.(result);
    const probed = options.probes ? `; probes (test's clock): ${describeSamples(samples)}` : "";
    const line = `${label}: took ${Math.round(workMs)} ms, loop held at most ${Math.round(figures.stall)} ms (delay with the machine's load ${Math.round(figures.lag)} ms)${probed}`;
    tries.push(line);
    // Every try is logged, the ones over the limit too: a retry that passed is still on record.
    console.info(line);
    if (figures.stall < RESPONSIVE_LIMIT_MS) return { result, workMs, samples, ...figures };
  }
  throw new Error(
    `the server's event loop was held ${RESPONSIVE_LIMIT_MS} ms or more in every try:\n${tries.join("\n")}`,
  );
}

/**
 * The id of the run's newest message, which must have `subject`, from the plain listing: it reads
 * summaries only, never the bytes, so the message's first read is left for the test to measure
 * (a wait answers with the decoded message: it would be the first read itself).
 */
export async function unreadNewest(
  apiUrl: string,
  run: { id: string; token: string },
  subject: string,
): Promise<string> {
  const res = await fetch(`${apiUrl}/v1/runs/${run.id}/messages`, {
    headers: { authorization: `Bearer ${run.token}` },
  });
  expect(res.status).toBe(200);
  const [message] = ((await res.json()) as { messages: Array<{ id: string; subject: string }> }).messages;
  expect(message?.subject).toBe(subject);
  return message!.id;
}
