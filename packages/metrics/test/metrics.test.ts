import { existsSync } from "node:fs";
import { register as globalRegister } from "prom-client";
import { describe, expect, it } from "vitest";
import { assertTool, skipWithoutTool } from "../../../test/support/tools.js";
import { createMetrics, startLoopStallMeter } from "../src/index.js";

// Linux's per-thread schedstat (CONFIG_SCHED_INFO), which the stall meter reads: without it the
// test is skipped by hand and fails under CI, like any other test that needs a tool.
const schedstat = existsSync("/proc/thread-self/schedstat");

/** The sample lines of one metric in the text exposition, without HELP/TYPE. */
async function samples(text: Promise<string>, name: string): Promise<string[]> {
  return (await text)
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

describe("createMetrics", () => {
  it("exposes every SMTP outcome at 0 before any mail, then counts each", async () => {
    const metrics = createMetrics();
    expect(await samples(metrics.registry.metrics(), "sandmail_smtp_messages_total")).toEqual([
      'sandmail_smtp_messages_total{result="accepted"} 0',
      'sandmail_smtp_messages_total{result="rejected"} 0',
      'sandmail_smtp_messages_total{result="failed"} 0',
    ]);
    metrics.smtpMessages.inc({ result: "accepted" });
    metrics.smtpMessages.inc({ result: "accepted" });
    metrics.smtpMessages.inc({ result: "failed" });
    expect(await samples(metrics.registry.metrics(), "sandmail_smtp_messages_total")).toEqual([
      'sandmail_smtp_messages_total{result="accepted"} 2',
      'sandmail_smtp_messages_total{result="rejected"} 0',
      'sandmail_smtp_messages_total{result="failed"} 1',
    ]);
  });

  it("reads tracked sources at scrape time and stops once untracked", async () => {
    const metrics = createMetrics();
    const open = new Set(["a", "b"]);
    const untrack = metrics.smtpSessions.track(() => open.size);
    const other = metrics.smtpSessions.track(() => 1);
    expect(await samples(metrics.registry.metrics(), "sandmail_smtp_sessions_active")).toEqual([
      "sandmail_smtp_sessions_active 3",
    ]);
    open.delete("a");
    other();
    expect(metrics.smtpSessions.value()).toBe(1);
    untrack();
    untrack();
    expect(await samples(metrics.registry.metrics(), "sandmail_smtp_sessions_active")).toEqual([
      "sandmail_smtp_sessions_active 0",
    ]);
  });

  it("counts holds until released, a second release doing nothing", async () => {
    const metrics = createMetrics();
    const first = metrics.apiWaits.hold();
    const second = metrics.apiWaits.hold();
    expect(await samples(metrics.registry.metrics(), "sandmail_api_waits_active")).toEqual([
      "sandmail_api_waits_active 2",
    ]);
    first();
    first();
    expect(metrics.apiWaits.value()).toBe(1);
    second();
    expect(await samples(metrics.registry.metrics(), "sandmail_api_waits_active")).toEqual([
      "sandmail_api_waits_active 0",
    ]);
  });

  it("keeps each instance's counts apart and leaves prom-client's global register alone", async () => {
    const before = globalRegister.getMetricsAsArray().length;
    const one = createMetrics();
    const two = createMetrics();
    one.imapCommands.inc({ command: "LOGIN" });
    one.apiRequests.inc({ route: "/healthz", status: "200" });
    expect(await samples(one.registry.metrics(), "sandmail_imap_commands_total")).toEqual([
      'sandmail_imap_commands_total{command="LOGIN"} 1',
    ]);
    expect(await samples(two.registry.metrics(), "sandmail_imap_commands_total")).toEqual([]);
    expect(await samples(one.registry.metrics(), "sandmail_api_requests_total")).toEqual([
      'sandmail_api_requests_total{route="/healthz",status="200"} 1',
    ]);
    expect(globalRegister.getMetricsAsArray().length).toBe(before);
  });

  it("adds Node's process metrics, prefixed, only when asked", async () => {
    const plain = await createMetrics().registry.metrics();
    expect(plain).not.toContain("process_cpu");
    const withProcess = await createMetrics({ processMetrics: true }).registry.metrics();
    expect(withProcess).toMatch(/^sandmail_process_cpu_user_seconds_total \d/m);
    expect(withProcess).toMatch(/^sandmail_nodejs_heap_size_used_bytes \d/m);
    expect(withProcess).not.toMatch(/^process_cpu/m);
    expect(plain).not.toContain("event_loop_stall");
  });

  it("reports the longest event-loop stall since the last scrape, then starts again", async () => {
    const { registry } = createMetrics({ processMetrics: true });
    const stall = async () =>
      Number(/^sandmail_event_loop_stall_max_seconds (\S+)$/m.exec(await registry.metrics())?.[1]);
    await stall();
    // Holds the loop for 150 ms of CPU time (longer on the clock when the machine is loaded): a
    // stall of this process's own, not a wait for a CPU.
    const start = process.cpuUsage();
    while (cpuMs(process.cpuUsage(start)) < 150);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const held = await stall();
    expect(held).toBeGreaterThan(0.1);
    expect(held).toBeLessThan(5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await stall()).toBeLessThan(held);
  });

  it("a stall meter counts a stall that has just ended, before the loop's next turn", () => {
    const meter = startLoopStallMeter();
    try {
      // Held for 150 ms of CPU time, then read at once: no timer has run since.
      const start = process.cpuUsage();
      while (cpuMs(process.cpuUsage(start)) < 150);
      const held = meter.take();
      expect(held).toBeGreaterThan(100);
      // Counted once: the next read starts from this one.
      expect(meter.take()).toBeLessThan(held);
    } finally {
      meter.stop();
    }
  });

  it.skipIf(skipWithoutTool(schedstat))(
    "a stall meter does not count time the thread was blocked off the CPU",
    () => {
      assertTool(schedstat, "/proc/thread-self/schedstat", "a Linux kernel with CONFIG_SCHED_INFO");
      // Blocked 150 ms without running, as when the garbage collector waits for its helper
      // threads while a loaded machine keeps them off the CPU: no work of this thread held it.
      const meter = startLoopStallMeter();
      try {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
        expect(meter.take()).toBeLessThan(50);
      } finally {
        meter.stop();
      }
    },
  );
});
