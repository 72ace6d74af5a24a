import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type ExecResult, exec } from "../../../test/support/exec.js";
import { startServer } from "./support/server.js";

const root = fileURLToPath(new URL("..", import.meta.url));
let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Runs ci/signup-step.sh as a CI runner would: bash, the `sandmail` command on the PATH. */
function step(env: Record<string, string> = {}): Promise<ExecResult> {
  return exec("bash", ["ci/signup-step.sh"], {
    cwd: root,
    env: {
      ...process.env,
      PATH: `${root}node_modules/.bin:${process.env.PATH}`,
      SANDMAIL_URL: server.apiUrl,
      ...env,
    },
  });
}

test("the CI step finds the code and the link with the sandmail command", { timeout: 60_000 }, async () => {
  const result = await step();
  expect(result.stderr).toBe("");
  expect(result.stdout).toMatch(
    /signup-step: code \d{6}, link https:\/\/app\.example\.com\/confirm\?token=[0-9a-f]+/,
  );
  expect(result.code).toBe(0);
});

test("the CI step fails readably when the mail never comes", { timeout: 60_000 }, async () => {
  const result = await step({ SKIP_SIGNUP: "1", WAIT_TIMEOUT_MS: "500" });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("sandmail extract:");
  expect(result.stderr).toContain("signup-step: no sign-up mail reached alice@");
});
