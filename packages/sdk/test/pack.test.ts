import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "../../../test/support/sandbox.js";

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const rootDir = fileURLToPath(new URL("../../..", import.meta.url));

/** The code block the README marks as the packed quick start. */
async function readmeExample(): Promise<{ file: string; code: string }> {
  const readme = await readFile(join(sdkDir, "README.md"), "utf8");
  const found = /<!-- packed-test: (\S+)[^\n]*-->\n```js\n([\s\S]*?)```/.exec(readme);
  if (!found?.[1] || !found[2]) throw new Error("README.md has no `<!-- packed-test: file -->` js block");
  return { file: found[1], code: found[2] };
}

// Types as a consumer sees them through the packed exports map, `await using` included.
const typecheck = `
import { Sandmail, type Message, WaitTimeoutError, type Criteria } from "@sandmail/sdk";
import { sandmailFixtures, useSandmailRun, type SandmailFixtures } from "@sandmail/sdk/vitest";
import { useSandmailRun as jestRun } from "@sandmail/sdk/jest";
import { sandmailFixtures as pw, type SandmailFixtures as PwFixtures } from "@sandmail/sdk/playwright";

const sandmail = new Sandmail({ url: process.env.SANDMAIL_URL });
{
  await using run = await sandmail.createRun({ ttl: 60 });
  const criteria: Criteria = { to: run.address("a"), subject: /hi/i, header: { name: "X-A", value: { equals: "1" } } };
  const msg: Message = await run.waitForMessage(criteria, { timeout: 1 }).catch((e: unknown) => {
    if (e instanceof WaitTimeoutError) throw new Error(e.detail);
    throw e;
  });
  const code: string = msg.code();
  const port: number = run.smtp.nodemailer.port;
  void code; void port;
}
const fixtures = sandmailFixtures({ client: () => ({ url: "http://127.0.0.1:1" }) });
const vitestShape: Pick<SandmailFixtures, "run"> | undefined = undefined;
const pwShape: PwFixtures | undefined = undefined;
void fixtures; void vitestShape; void pwShape; void pw; void useSandmailRun; void jestRun;
`;

let sb: TestSandbox;
let project = "";

beforeAll(async () => {
  sb = await startTestSandbox({}, { services: ["smtp", "api"] });
  project = await mkdtemp(join(tmpdir(), "sandmail-sdk-pack-"));
});

afterAll(async () => {
  await sb?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

it("packs into a tarball that installs into an empty project and runs the README's example there", async () => {
  // npm itself, as a publisher would; the package is built by `pnpm build` (pnpm test runs it).
  await run("npm", ["pack", "--pack-destination", project], { cwd: sdkDir, timeout: 60_000 });
  const tarball = (await readdir(project)).find((f) => f.endsWith(".tgz"));
  expect(tarball).toBe("sandmail-sdk-0.1.0.tgz");

  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  // nodemailer stands in for the app under test; it has no dependencies, so a local folder serves offline.
  const nodemailer = await realpath(join(rootDir, "node_modules", "nodemailer"));
  await run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", `./${tarball}`, nodemailer],
    { cwd: project, timeout: 60_000 },
  );
  const installed = JSON.parse(
    await readFile(join(project, "node_modules", "@sandmail", "sdk", "package.json"), "utf8"),
  ) as { dependencies?: object; exports: Record<string, unknown> };
  expect(installed.dependencies).toBeUndefined();
  expect(Object.keys(installed.exports)).toEqual([
    ".",
    "./vitest",
    "./jest",
    "./playwright",
    "./package.json",
  ]);
  expect((await readdir(join(project, "node_modules", "@sandmail", "sdk"))).sort()).toEqual([
    "LICENSE",
    "README.md",
    "dist",
    "package.json",
  ]);

  const example = await readmeExample();
  await writeFile(join(project, example.file), example.code);
  const result = await run(process.execPath, ["--test", "--test-reporter=tap", example.file], {
    cwd: project,
    env: { ...process.env, SANDMAIL_URL: sb.apiUrl, NODE_OPTIONS: "" },
    timeout: 60_000,
  });
  expect(result.stdout).toMatch(/^# pass 1$/m);
  expect(result.stdout).toMatch(/^# fail 0$/m);

  await writeFile(join(project, "check.ts"), typecheck);
  const tsc = join(rootDir, "node_modules", "typescript", "bin", "tsc");
  const types = await run(
    process.execPath,
    [
      tsc,
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2023",
      "--lib",
      "es2023,esnext.disposable",
      "--typeRoots",
      join(rootDir, "node_modules", "@types"),
      "--types",
      "node",
      "check.ts",
    ],
    { cwd: project, timeout: 60_000 },
  ).catch((err: { stdout?: string }) => ({ stdout: `tsc failed:\n${err.stdout}` }));
  expect(types.stdout).toBe("");
}, 120_000);
