import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { resolveClients } from "../../checks/src/index.js";
import { createWorkerPool, WorkTimeoutError } from "../src/index.js";

// Inline styles on every cell make caniemail's checker slow (seconds for ~100 KB on this machine).
const heavyHtml = `<table>${'<tr><td style="padding:4px;display:flex;border-radius:2px">x</td></tr>'.repeat(400)}</table>`;
const clients = resolveClients(undefined).clients;

describe("worker pool", () => {
  const pool = createWorkerPool({ maxThreads: 1 });
  afterAll(() => pool.close());

  it("runs the HTML check in a thread: the answer comes back, the event loop stays free", async () => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const result = await pool.run(
      "checkHtml",
      { parts: { html: heavyHtml, text: "x" }, clients },
      { timeoutMs: 60_000 },
    );
    histogram.disable();
    expect(result.warnings.find((w) => w.feature === "css-display-flex")?.count).toBe(400);
    // The same check on the main thread blocks it for seconds; here the loop never stalls for 100 ms.
    expect(histogram.max / 1e6).toBeLessThan(100);
  });

  it("stops a task past its time limit and keeps working afterwards", async () => {
    const started = performance.now();
    await expect(
      pool.run("checkHtml", { parts: { html: heavyHtml.repeat(8) }, clients }, { timeoutMs: 200 }),
    ).rejects.toBeInstanceOf(WorkTimeoutError);
    expect(performance.now() - started).toBeLessThan(5_000);
    const small = await pool.run(
      "checkHtml",
      { parts: { html: '<div style="display:grid">a</div>', text: "a" }, clients: ["gmail.desktop-webmail"] },
      { timeoutMs: 30_000 },
    );
    expect(small.warnings[0]?.feature).toBe("css-display-grid");
  });
});
