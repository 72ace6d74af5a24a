import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { sandmailArgs } from "../support/cli.js";

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...sandmailArgs, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("the sandmail command", () => {
  it("prints help", () => {
    const res = run(["--help"]);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("serve");
    const serveHelp = run(["serve", "--help"]);
    expect(serveHelp.status).toBe(0);
    expect(serveHelp.stdout).toContain("SANDMAIL_SMTP_PORT");
  });

  it("refuses a bad configuration value, naming the variable", () => {
    const res = run(["serve"], { SANDMAIL_SMTP_PORT: "seventy" });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("SANDMAIL_SMTP_PORT");
    const flag = run(["serve", "--api-port", "99999"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("SANDMAIL_API_PORT");
  });

  it("rejects an unknown command with a non-zero exit", () => {
    const res = run(["frobnicate"]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("unknown command");
  });

  it("starts, prints its ports and a command that creates a run, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [...sandmailArgs, "serve"], {
      env: {
        ...process.env,
        SANDMAIL_SMTP_PORT: "0",
        SANDMAIL_SMTPS_PORT: "0",
        SANDMAIL_IMAP_PORT: "0",
        SANDMAIL_IMAPS_PORT: "0",
        SANDMAIL_POP3_PORT: "0",
        SANDMAIL_POP3S_PORT: "0",
        SANDMAIL_API_PORT: "0",
        SANDMAIL_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("curl -s -X POST")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const curl = /curl -s -X POST (\S+)/.exec(out);
    expect(curl).not.toBeNull();
    const res = await fetch(curl?.[1] ?? "", { method: "POST" });
    expect(res.status).toBe(201);
    expect(out).toMatch(/SMTP: \S+:\d+ \(STARTTLS\)/);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
