import { afterAll, describe, expect, it } from "vitest";
import { resolveClients } from "../../checks/src/index.js";
import { startLoopStallMeter } from "../../metrics/src/index.js";
import { createWorkerPool, WorkTimeoutError } from "../src/index.js";

// Inline styles on every cell make caniemail's checker slow (seconds for ~100 KB on this machine).
const heavyHtml = `<table>${'<tr><td style="padding:4px;display:flex;border-radius:2px">x</td></tr>'.repeat(400)}</table>`;
const clients = resolveClients(undefined).clients;

describe("worker pool", () => {
  const pool = createWorkerPool({ maxThreads: 1 });
  afterAll(() => pool.close());

  it("runs the HTML check in a thread: the answer comes back, the event loop stays free", async () => {
    // The main thread's stalls as the server's gauge counts them: its own work, not its waits for
    // a CPU (Node's plain event-loop delay counts those, and a loaded machine broke this test).
    const meter = startLoopStallMeter();
    const result = await pool.run(
      "checkHtml",
      { parts: { html: heavyHtml, text: "x" }, clients },
      { timeoutMs: 60_000 },
    );
    const held = meter.take();
    meter.stop();
    expect(result.warnings.find((w) => w.feature === "css-display-flex")?.count).toBe(400);
    // The same check on the main thread blocks it for seconds; here the loop never stalls for 100 ms.
    expect(held).toBeLessThan(100);
  });

  it("stops a task past its time limit and keeps working afterwards", async () => {
    const started = performance.now();
    await expect(
      pool.run("checkHtml", { parts: { html: heavyHtml.repeat(8) }, clients }, { timeoutMs: 200 }),
    ).rejects.toBeInstanceOf(WorkTimeoutError);
    // Liveness, not timing: stopped rather than left to run for the seconds it would take.
    expect(performance.now() - started).toBeLessThan(10_000);
    const small = await pool.run(
      "checkHtml",
      { parts: { html: '<div style="display:grid">a</div>', text: "a" }, clients: ["gmail.desktop-webmail"] },
      { timeoutMs: 30_000 },
    );
    expect(small.warnings[0]?.feature).toBe("css-display-grid");
  });
});
