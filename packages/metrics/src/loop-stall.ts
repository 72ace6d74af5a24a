import { closeSync, openSync, readSync } from "node:fs";
import { Gauge, type Registry } from "prom-client";

/** How often the loop is timed: a stall shorter than this is not told from a busy turn. */
const RESOLUTION_MS = 10;

/**
 * Ms the calling thread has waited for a CPU so far (Linux's per-thread schedstat, second field),
 * or undefined where there is no such file. Read with pread on one open descriptor: a few µs.
 */
function cpuWaitReader(): (() => number) | undefined {
  let fd: number;
  try {
    fd = openSync("/proc/thread-self/schedstat", "r");
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(128);
  const read = () => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return Number(buf.toString("latin1", 0, n).split(" ")[1]) / 1e6;
  };
  if (!Number.isFinite(read())) {
    closeSync(fd);
    return undefined;
  }
  return read;
}

/** The longest event-loop stall of the calling thread, in ms, since the last `take`. */
export interface LoopStallMeter {
  /** The longest stall since the previous call (or the start), in ms; then starts again. */
  take(): number;
  stop(): void;
}

/**
 * Times the calling thread's event loop every RESOLUTION_MS: a turn that came late by more than
 * the time the thread spent runnable but waiting for a CPU was held by this thread's own work
 * (its code and its garbage collection). Where the wait cannot be read (not Linux) it is the
 * plain delay. `take` counts as a turn too, so a stall that has just ended (work that held the
 * loop, then let the caller read) is in it. The timer does not keep the process alive.
 */
export function startLoopStallMeter(): LoopStallMeter {
  const cpuWait = cpuWaitReader() ?? (() => 0);
  let max = 0;
  let last = performance.now();
  let lastWait = cpuWait();
  const turn = () => {
    const now = performance.now();
    const wait = cpuWait();
    max = Math.max(max, now - last - RESOLUTION_MS - (wait - lastWait));
    last = now;
    lastWait = wait;
  };
  const timer = setInterval(turn, RESOLUTION_MS).unref();
  return {
    take() {
      turn();
      const held = Math.max(0, max);
      max = 0;
      return held;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * `sandmail_event_loop_stall_max_seconds`: the longest time the event loop was held since the
 * last scrape, less the time the main thread spent runnable but waiting for a CPU. Node's own
 * event-loop delay (sandmail_nodejs_eventloop_lag_*) counts that wait too, so on a loaded machine
 * it mostly measures the other processes; this one measures what sandmail's own work (its code
 * and its garbage collection) held the loop for, which is what SMTP, IMAP and HTTP wait on.
 */
export function registerLoopStall(registry: Registry, name: string): void {
  const meter = startLoopStallMeter();
  new Gauge({
    name,
    help: "Longest event-loop stall since the last scrape, less the main thread's wait for a CPU (seconds).",
    registers: [registry],
    collect() {
      this.set(meter.take() / 1000);
    },
  });
}
