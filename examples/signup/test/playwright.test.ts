import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startServer } from "./support/server.js";

const root = fileURLToPath(new URL("..", import.meta.url));
let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Runs the Playwright Test suite in playwright/ (no browser: it uses the `run` fixture only). */
function playwright(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["node_modules/@playwright/test/cli.js", "test", "-c", "playwright.config.ts"],
      {
        cwd: root,
        env: { ...process.env, SANDMAIL_URL: server.apiUrl, CI: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.once("exit", (code) => resolve({ code, output }));
  });
}

test("the Playwright fixture gives the test its own run", { timeout: 120_000 }, async () => {
  const result = await playwright();
  expect(result.output).toContain("1 passed");
  expect(result.code).toBe(0);
});
