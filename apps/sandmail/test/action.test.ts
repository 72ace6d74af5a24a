import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort } from "../../../test/support/redis-server.js";
import { exec, outsideEnv, repoRoot } from "./support/outside.js";
import { assertBuilt, npmPack, re2Mirror } from "./support/packed.js";

/**
 * The composite GitHub Action (action.yml) run the way the runner runs it, with bash: each step's
 * `run:` script with its `env:` (expressions evaluated from the inputs), GITHUB_ENV and
 * GITHUB_OUTPUT files carried from step to step, npx installing the locally packed tarball.
 */

interface Step {
  id?: string;
  name: string;
  shell: string;
  env?: Record<string, string>;
  run: string;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

/** `${{ ... }}` with the few contexts action.yml may use; anything else fails the test. */
function evaluate(
  text: string,
  contexts: { inputs: Record<string, string>; steps: Record<string, Record<string, string>> },
) {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input?.[1] !== undefined) {
      const value = contexts.inputs[input[1]];
      if (value === undefined) throw new Error(`unknown input in ${text}`);
      return value;
    }
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (output?.[1] !== undefined && output[2] !== undefined)
      return contexts.steps[output[1]]?.[output[2]] ?? "";
    throw new Error(`expression the test cannot evaluate: ${expr}`);
  });
}

/** NAME=value lines, as the runner reads GITHUB_ENV and GITHUB_OUTPUT (no multi-line values here). */
async function readKeyValues(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, "utf8").catch(() => "");
  const out: Record<string, string> = {};
  for (const line of text.split("\n").filter(Boolean)) {
    expect(line, "multi-line values are not used").not.toMatch(/^[^=]*<</);
    const eq = line.indexOf("=");
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

describe("action.yml", () => {
  let dir: string;
  let tarball: string;
  let serverGroup: number | undefined;

  beforeAll(async () => {
    await assertBuilt(["apps/sandmail/dist"]);
    dir = await mkdtemp(join(tmpdir(), "sandmail-action-"));
    tarball = await npmPack("apps/sandmail", dir);
  }, 120_000);

  afterAll(async () => {
    // The background server lives in the first step's process group: end all of it.
    if (serverGroup) {
      try {
        process.kill(-serverGroup, "SIGTERM");
      } catch {}
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is a composite action with bash steps and inputs documented", async () => {
    const action = parse(await readFile(join(repoRoot, "action.yml"), "utf8")) as Action;
    expect(action.runs.using).toBe("composite");
    for (const step of action.runs.steps) expect(step.shell).toBe("bash");
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.value, name).toMatch(/^\$\{\{ steps\.\w+\.outputs\.[\w-]+ \}\}$/);
  });

  it("starts sandmail through npx, waits for /readyz, creates a run and exports it; the exports work", {
    timeout: 300_000,
  }, async () => {
    const action = parse(await readFile(join(repoRoot, "action.yml"), "utf8")) as Action;
    const apiPort = await freePort();
    const given: Record<string, string> = {
      package: tarball,
      "api-port": String(apiPort),
      "smtp-port": "0",
      "imap-port": "0",
      "pop3-port": "0",
      "api-key": "action-test-key-0123456789",
      env: "SANDMAIL_SMTPS_PORT=0\nSANDMAIL_IMAPS_PORT=0\nSANDMAIL_POP3S_PORT=0\n# a comment\n",
      label: "action test",
    };
    const inputs = Object.fromEntries(
      Object.entries(action.inputs).map(([name, spec]) => [name, given[name] ?? spec.default ?? ""]),
    );
    const steps: Record<string, Record<string, string>> = {};
    // The job's environment: outside the workspace, npm handed the workspace's re2 build.
    let jobEnv: Record<string, string | undefined> = {
      ...outsideEnv(await re2Mirror(dir)),
      RUNNER_TEMP: dir,
      GITHUB_JOB: "signup",
    };

    for (const [index, step] of action.runs.steps.entries()) {
      const script = join(dir, `step-${index}.sh`);
      const envFile = join(dir, `env-${index}`);
      const outputFile = join(dir, `output-${index}`);
      await writeFile(script, step.run);
      await writeFile(envFile, "");
      await writeFile(outputFile, "");
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), { inputs, steps })]),
      );
      // As the runner runs `shell: bash`.
      const result = await exec("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
        cwd: dir,
        env: { ...jobEnv, ...stepEnv, GITHUB_ENV: envFile, GITHUB_OUTPUT: outputFile },
        timeout: 240_000,
        detached: index === 0,
      });
      if (index === 0) serverGroup = result.pid;
      expect(result.code, `${step.name}:\n${result.stdout}\n${result.stderr}`).toBe(0);
      jobEnv = { ...jobEnv, ...(await readKeyValues(envFile)) };
      if (step.id) steps[step.id] = await readKeyValues(outputFile);
    }

    const outputs = Object.fromEntries(
      Object.entries(action.outputs).map(([name, o]) => [name, evaluate(o.value, { inputs, steps })]),
    );
    for (const [name, value] of Object.entries(outputs)) expect(value, `output ${name}`).not.toBe("");
    expect(outputs.url).toBe(`http://127.0.0.1:${apiPort}`);
    expect(jobEnv.SANDMAIL_URL).toBe(outputs.url);
    expect(jobEnv.SANDMAIL_RUN).toBe(outputs.run);
    expect(jobEnv.SANDMAIL_API_KEY).toBe(given["api-key"]);
    expect((await fetch(`${outputs.url}/readyz`)).status).toBe(200);

    // A later step of the job: the app mails the run's domain through the exported SMTP settings...
    const to = `alice@${jobEnv.SANDMAIL_DOMAIN}`;
    await nodemailer
      .createTransport({
        host: jobEnv.SANDMAIL_SMTP_HOST,
        port: Number(jobEnv.SANDMAIL_SMTP_PORT),
        auth: { user: jobEnv.SANDMAIL_SMTP_USER ?? "", pass: jobEnv.SANDMAIL_SMTP_PASS ?? "" },
        tls: { rejectUnauthorized: false },
      })
      .sendMail({ from: "app@shop.example", to, subject: "Welcome", text: "Your code is 731942" });
    // ...and the test step reads it with nothing but the exported variables.
    const read = await exec(
      "bash",
      [
        "-eo",
        "pipefail",
        "-c",
        'npx --yes --package "$1" -- sandmail extract --code --to "$2"',
        "_",
        tarball,
        to,
      ],
      { cwd: dir, env: jobEnv },
    );
    // (npm may warn on stderr about its install; the command's answer is stdout and the status.)
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toBe("731942\n");

    // The run was created with the key: without it, the server refuses to create another.
    const refused = await fetch(`${outputs.url}/v1/runs`, { method: "POST" });
    expect(refused.status).toBe(401);
  });
});
