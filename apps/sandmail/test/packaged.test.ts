import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, freePorts, outsideEnv, type Server, startServer } from "./support/outside.js";
import { type PackedProject, packAndInstall } from "./support/packed.js";

// One npm install (the slow part, 30-60 s) serves every test here.
let project: PackedProject;

beforeAll(async () => {
  project = await packAndInstall();
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

  it("serves with `npx sandmail serve`; `run create --json`, nodemailer and `wait` work against it", async () => {
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
    expect(waited.code).toBe(0);
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
});
