import { closeSync, openSync, readSync } from "node:fs";
import { Gauge, type Registry } from "prom-client";

/** How often the loop is timed: a stall shorter than this is not told from a busy turn. */
const RESOLUTION_MS = 10;

/** A thread's time so far, in ms: on a CPU, and runnable but waiting for one. */
interface SchedTimes {
  run: number;
  wait: number;
}

/**
 * The calling thread's times (Linux's per-thread schedstat, first and second fields), or
 * undefined where there is no such file. Read with pread on one open descriptor: a few µs.
 */
function schedReader(): (() => SchedTimes) | undefined {
  let fd: number;
  try {
    fd = openSync("/proc/thread-self/schedstat", "r");
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(128);
  const read = () => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    const [run, wait] = buf.toString("latin1", 0, n).split(" ");
    return { run: Number(run) / 1e6, wait: Number(wait) / 1e6 };
  };
  const first = read();
  if (!Number.isFinite(first.run) || !Number.isFinite(first.wait)) {
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
 * Times the calling thread's event loop every RESOLUTION_MS. A turn that came late was held for
 * the time the thread spent on a CPU in between (its code and its share of garbage collection),
 * at most the lateness: not the time it was runnable but waiting for a CPU, nor the time it was
 * blocked, which on a loaded machine is mostly the garbage collector's helper threads waiting
 * for a CPU themselves (measured on THREAD over 10,000 messages at load 15: 49-216 ms late with
 * the waits for a CPU taken out, 9-26 ms on a CPU). Where the times cannot be read (not Linux) it
 * is the plain delay. `take` counts as a turn too, so a stall that has just ended (work that held
 * the loop, then let the caller read) is in it. The timer does not keep the process alive.
 */
export function startLoopStallMeter(): LoopStallMeter {
  const sched = schedReader();
  let max = 0;
  let last = performance.now();
  let lastTimes = sched?.();
  const turn = () => {
    const now = performance.now();
    const late = now - last - RESOLUTION_MS;
    const times = sched?.();
    const held =
      times && lastTimes ? Math.min(late - (times.wait - lastTimes.wait), times.run - lastTimes.run) : late;
    max = Math.max(max, held);
    last = now;
    lastTimes = times;
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
 * last scrape, counting only the main thread's time on a CPU (startLoopStallMeter). Node's own
 * event-loop delay (sandmail_nodejs_eventloop_lag_*) counts the waits too, so on a loaded machine
 * it mostly measures the other processes; this one measures what sandmail's own work (its code
 * and its garbage collection) held the loop for, which is what SMTP, IMAP and HTTP wait on.
 */
export function registerLoopStall(registry: Registry, name: string): void {
  const meter = startLoopStallMeter();
  new Gauge({
    name,
    help: "Longest event-loop stall since the last scrape, counting the main thread's time on a CPU only (seconds).",
    registers: [registry],
    collect() {
      this.set(meter.take() / 1000);
    },
  });
}
