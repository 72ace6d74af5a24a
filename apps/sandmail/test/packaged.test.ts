import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env as envOf, exec as execOf, readDockerfile } from "./support/dockerfile.js";
import { exec, freePorts, outsideEnv, type Server, startServer } from "./support/outside.js";
import { type PackedProject, packAndInstall } from "./support/packed.js";

// One npm install (the slow part, 30-60 s) serves every test here.
let project: PackedProject;

beforeAll(async () => {
  // Jest 30 for a real CommonJS test run of the SDK (engines: ^20.0.0 and later, like sandmail's).
  project = await packAndInstall(["jest@^30"]);
}, 300_000);

afterAll(async () => {
  if (project) await rm(project.dir, { recursive: true, force: true });
});

const sendScript = `
import nodemailer from "nodemailer";
const [port, to] = process.argv.slice(2);
await nodemailer.createTransport({ host: "127.0.0.1", port: Number(port), secure: false, tls: { rejectUnauthorized: false } })
  .sendMail({ from: "app@shop.example", to, subject: "Confirm your address", text: "Your code is 482913",
    html: "<p style='display:flex'>Your code is <b>482913</b></p>" });
`;

describe("the npm package, installed outside the workspace", () => {
  let server: Server;
  afterAll(async () => {
    await server?.stop();
  });

  it("depends on npm packages only and runs JavaScript only", async () => {
    const manifest = JSON.parse(
      await readFile(join(project.dir, "node_modules", "sandmail", "package.json"), "utf8"),
    ) as { dependencies: Record<string, string> };
    for (const [name, range] of Object.entries(manifest.dependencies)) {
      expect(name).not.toMatch(/^@sandmail\//);
      expect(range).not.toMatch(/^workspace:/);
    }
    const ls = await exec("npm", ["ls", "--all", "--parseable"], { cwd: project.dir });
    expect(ls.stdout).not.toMatch(/node_modules\/(tsx|esbuild|typescript)$/m);
    const version = await exec("npx", ["--no", "--", "sandmail", "--version"], { cwd: project.dir });
    expect(version.stdout.trim()).toBe("0.1.0");
  });

  // Several npx starts in a row: allow for a loaded machine.
  it("serves with `npx sandmail serve`; `run create --json`, nodemailer and `wait` work against it", {
    timeout: 120_000,
  }, async () => {
    server = await startServer("npx", ["--no", "--", "sandmail", "serve"], {
      cwd: project.dir,
      env: outsideEnv({ ...freePorts, SANDMAIL_LOG_LEVEL: "info" }),
    });
    expect((await fetch(`${server.apiUrl}/readyz`)).status).toBe(200);
    // The web UI's build ships inside the package.
    const ui = await fetch(`${server.apiUrl}/ui/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/<script[^>]+src="[^"]*assets\//);

    // SANDMAIL_API_PORT alone names the server when SANDMAIL_URL is unset.
    const env = outsideEnv({ SANDMAIL_API_PORT: String(server.ports.api) });
    const created = await exec("npx", ["--no", "--", "sandmail", "run", "create", "--json"], {
      cwd: project.dir,
      env,
    });
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const run = JSON.parse(created.stdout) as { id: string; token: string; domain: string };
    expect(run.domain).toContain(run.id);

    await writeFile(join(project.dir, "send.mjs"), sendScript);
    const to = `alice@${run.domain}`;
    const sent = await exec(process.execPath, ["send.mjs", String(server.ports.smtp), to], {
      cwd: project.dir,
    });
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);

    const waited = await exec(
      "npx",
      ["--no", "--", "sandmail", "wait", "--to", "alice", "--run", run.id, "--token", run.token],
      { cwd: project.dir, env },
    );
    expect(waited.code, `sandmail wait: ${waited.stderr}`).toBe(0);
    const message = JSON.parse(waited.stdout) as { id: string; subject: string };
    expect(message.subject).toBe("Confirm your address");

    // The HTML check runs in the worker pool's thread, whose module the bundle must ship too.
    const check = await fetch(`${server.apiUrl}/v1/runs/${run.id}/messages/${message.id}/checks/html`, {
      headers: { authorization: `Bearer ${run.token}` },
    });
    expect(check.status).toBe(200);

    const code = await exec("npx", ["--no", "--", "sandmail", "extract", "--code", "--to", "alice"], {
      cwd: project.dir,
      env: { ...env, SANDMAIL_RUN: run.id, SANDMAIL_TOKEN: run.token },
    });
    expect(code.stdout).toBe("482913\n");
  });

  it("answers MCP over stdio with `npx sandmail mcp`", { timeout: 60_000 }, async () => {
    const transport = new StdioClientTransport({
      command: "npx",
      args: ["--no", "--", "sandmail", "mcp"],
      cwd: project.dir,
      env: outsideEnv({ SANDMAIL_URL: server.apiUrl }) as Record<string, string>,
      stderr: "pipe",
    });
    const client = new Client({ name: "packaged-test", version: "0.0.0" });
    await client.connect(transport);
    try {
      const result = (await client.callTool({ name: "create_run", arguments: {} })) as CallToolResult;
      expect(result.isError ?? false).toBe(false);
      const text = result.content[0]?.type === "text" ? result.content[0].text : "";
      expect(JSON.parse(text)).toMatchObject({ smtp: { port: server.ports.smtp } });
    } finally {
      await client.close();
    }
  });

  it("loads the SDK with import and with require (CommonJS, no require of ES modules, as Jest does)", async () => {
    const esm = `
import { Sandmail } from "@sandmail/sdk";
import { sandmailFixtures } from "@sandmail/sdk/vitest";
const run = await new Sandmail().createRun({ label: "esm" });
console.log(JSON.stringify({ kind: typeof sandmailFixtures, domain: run.domain }));
await run.delete();
`;
    const cjs = `
const { Sandmail, WaitTimeoutError } = require("@sandmail/sdk");
const { useSandmailRun } = require("@sandmail/sdk/jest");
const { sandmailFixtures } = require("@sandmail/sdk/playwright");
(async () => {
  const run = await new Sandmail().createRun({ label: "cjs" });
  const timedOut = await run.waitForMessage({ to: "nobody" }, { timeout: 50 }).catch((e) => e instanceof WaitTimeoutError);
  console.log(JSON.stringify({ hooks: typeof useSandmailRun, pw: typeof sandmailFixtures.run, timedOut, domain: run.domain }));
  await run.delete();
})();
`;
    await writeFile(join(project.dir, "sdk-esm.mjs"), esm);
    await writeFile(join(project.dir, "sdk-cjs.cjs"), cjs);
    const env = outsideEnv({ SANDMAIL_URL: server.apiUrl });
    const fromEsm = await exec(process.execPath, ["sdk-esm.mjs"], { cwd: project.dir, env });
    expect(fromEsm.stderr).toBe("");
    expect(JSON.parse(fromEsm.stdout)).toMatchObject({ kind: "function" });
    // Node 20.19+ would quietly require() an ES module; Jest's CommonJS runtime cannot, so neither may we.
    const fromCjs = await exec(process.execPath, ["--no-experimental-require-module", "sdk-cjs.cjs"], {
      cwd: project.dir,
      env,
    });
    expect(fromCjs.stderr).toBe("");
    expect(JSON.parse(fromCjs.stdout)).toMatchObject({ hooks: "function", pw: "function", timedOut: true });
  });

  // Jest's CommonJS runtime has its own require(), which cannot load an ES module whatever Node
  // allows: a broken or missing CJS build of the SDK fails this suite to load.
  it("runs a Jest 30 CommonJS test that uses @sandmail/sdk/jest against the server", {
    timeout: 120_000,
  }, async () => {
    const jestTest = `
const nodemailer = require("nodemailer");
const { useSandmailRun } = require("@sandmail/sdk/jest");

const mail = useSandmailRun({ beforeEach, afterEach });

test("a sign-up code reaches the test's own run", async () => {
  const transport = nodemailer.createTransport({ ...mail.run.smtp.nodemailer, host: "127.0.0.1" });
  await transport.sendMail({ from: "app@shop.example", to: mail.run.address("alice"), subject: "Your code", text: "Your code is 771234" });
  const message = await mail.run.waitForMessage({ to: "alice" }, { timeout: 20000 });
  expect(message.subject).toBe("Your code");
  expect(message.code()).toBe("771234");
  transport.close();
});
`;
    await writeFile(join(project.dir, "sdk-jest.test.cjs"), jestTest);
    const jest = await exec(
      "npx",
      [
        "--no",
        "--",
        "jest",
        "--ci",
        "--json",
        "--outputFile=jest-result.json",
        "--testMatch",
        "**/sdk-jest.test.cjs",
      ],
      { cwd: project.dir, env: outsideEnv({ SANDMAIL_URL: server.apiUrl }), timeout: 110_000 },
    );
    const written = await readFile(join(project.dir, "jest-result.json"), "utf8").catch(() => {
      throw new Error(`jest wrote no result (exit ${jest.code}):\n${jest.stderr}`);
    });
    const result = JSON.parse(written) as {
      success: boolean;
      numPassedTests: number;
      numFailedTestSuites: number;
      testResults: Array<{ message: string }>;
    };
    expect(result.testResults.map((r) => r.message).join("\n"), jest.stderr).toBe("");
    expect(result).toMatchObject({ success: true, numPassedTests: 1, numFailedTestSuites: 0 });
    expect(jest.code).toBe(0);
  });
});

describe("the Dockerfile's runtime stage, replayed from the same npm install", () => {
  it("copies the installed package, runs its ENTRYPOINT and CMD, answers /readyz and keeps its certificate", async () => {
    const stages = await readDockerfile();
    const build = stages.find((stage) => stage.name === "build");
    const runtime = stages.at(-1);
    expect(build && runtime && build !== runtime).toBe(true);
    if (!build || !runtime) return;
    // The build stage installs the packed package into a folder, as packAndInstall does here.
    const buildRun = build.instructions
      .filter((i) => i.op === "RUN")
      .map((i) => i.args)
      .join(" && ");
    expect(buildRun).toMatch(/pnpm build/);
    expect(buildRun).toMatch(/npm pack \.\/apps\/sandmail/);
    const installDir = /cd (\/\S+) && .*npm install --omit=dev [^&]*sandmail-\*\.tgz/.exec(buildRun)?.[1];
    expect(installDir).toBeDefined();
    // The runtime stage copies that folder; map its destination onto the test's install.
    const copies = runtime.instructions.filter((i) => i.op === "COPY");
    expect(copies.map((c) => c.args)).toEqual([`--from=build ${installDir} ${installDir}`]);
    const mapPath = (arg: string) => arg.replace(installDir as string, project.dir);
    const command = [...execOf(runtime, "ENTRYPOINT"), ...execOf(runtime, "CMD")].map(mapPath);
    expect(command.slice(0, 2)).toEqual(["node", join(project.dir, "node_modules/sandmail/bin/sandmail.js")]);
    expect(await readdir(join(project.dir, "node_modules/sandmail/dist"))).toContain("cli.js");

    const tlsDir = await mkdtemp(join(tmpdir(), "sandmail-tls-"));
    const imageEnv = envOf(runtime);
    expect(imageEnv.SANDMAIL_TLS_DIR).toBeDefined();
    const start = () =>
      startServer(process.execPath, command.slice(1), {
        cwd: tmpdir(),
        env: outsideEnv({
          ...imageEnv,
          ...freePorts,
          SANDMAIL_HOST: "127.0.0.1",
          SANDMAIL_TLS_DIR: tlsDir,
          SANDMAIL_LOG_LEVEL: "info",
        }),
      });
    const first = await start();
    try {
      expect((await fetch(`${first.apiUrl}/readyz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
    const made = (await readdir(tlsDir)).sort();
    expect(made.length).toBeGreaterThan(0);
    const before = await Promise.all(made.map((f) => readFile(join(tlsDir, f), "utf8")));
    const second = await start();
    try {
      expect((await fetch(`${second.apiUrl}/readyz`)).status).toBe(200);
    } finally {
      await second.stop();
    }
    // Restarted on the same volume: the same certificate, so a mail client's exception still holds.
    const after = await Promise.all(made.map((f) => readFile(join(tlsDir, f), "utf8")));
    expect(after).toEqual(before);
    await rm(tlsDir, { recursive: true, force: true });
  }, 120_000);
});
