import { afterAll, describe, expect, it } from "vitest";
import { resolveClients } from "../../checks/src/index.js";
import { startLoopStallMeter } from "../../metrics/src/index.js";
import { parseMessage } from "../../mime/src/index.js";
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

  it("sends a decoded message's long text back as bytes, moved rather than copied", async () => {
    const text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit \u00e9\r\n".repeat(100_000);
    const raw = Buffer.from(
      `From: a@example.com\r\nSubject: big\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}`,
    );
    const { parsed, utf8 } = await pool.run("readMessage", raw, { timeoutMs: 60_000 });
    expect(parsed.subject).toBe("big");
    // A string crosses threads as a copy made in one go on the receiving side (~100 ms for 25 MiB).
    expect(parsed.text).toBeUndefined();
    const decoded = Buffer.from(utf8.text as Uint8Array).toString("utf8");
    expect(decoded).toBe((await parseMessage(raw)).text);
    expect(decoded.length).toBeGreaterThan(0.95 * text.length);
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
