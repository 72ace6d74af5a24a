import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sandmailArgs } from "../support/cli.js";
import { type ExecResult, exec } from "../support/exec.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";

describe("the sandmail client commands", () => {
  let sb: TestSandbox;
  let env: Record<string, string>;

  const sandmail = (args: string[], extra: Record<string, string> = {}): Promise<ExecResult> =>
    exec(process.execPath, [...sandmailArgs, ...args], {
      env: { ...process.env, SANDMAIL_URL: sb.apiUrl, ...env, ...extra },
    });

  beforeAll(async () => {
    sb = await startTestSandbox();
    env = {};
  });
  afterAll(() => sb.close());

  it("run create --env exports a run that the other commands use", { timeout: 120_000 }, async () => {
    const created = await sandmail(["run", "create", "--env", "--label", "cli"]);
    expect(created.code).toBe(0);
    const vars = Object.fromEntries(
      [...created.stdout.matchAll(/(SANDMAIL_\w+)='([^']*)'/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining(["SANDMAIL_RUN", "SANDMAIL_TOKEN", "SANDMAIL_DOMAIN", "SANDMAIL_SMTP_PORT"]),
    );
    expect(Number(vars.SANDMAIL_SMTP_PORT)).toBe(sb.ports.smtp);
    env = vars;

    const to = `ci@${vars.SANDMAIL_DOMAIN}`;
    await nodemailer
      .createTransport({ host: "127.0.0.1", port: Number(vars.SANDMAIL_SMTP_PORT), ignoreTLS: true })
      .sendMail({
        from: "app@example.com",
        to,
        subject: "Your code",
        text: "Your verification code is 493817.",
      });

    const waited = await sandmail(["wait", "--to", to, "--subject", "/your code/i"]);
    expect(waited.code).toBe(0);
    const message = JSON.parse(waited.stdout) as { subject: string; codes: Array<{ value: string }> };
    expect(message.subject).toBe("Your code");
    expect(message.codes[0]?.value).toBe("493817");

    const listed = await sandmail(["messages", "--subject", '"Your code"']);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);

    const code = await sandmail(["extract", "--code", "--to", to]);
    expect(code.stdout).toBe("493817\n");

    const info = await sandmail(["run", "info"]);
    expect(JSON.parse(info.stdout).counts.messages).toBe(1);

    // The operator's list (a loopback server without an API key answers it).
    const list = await sandmail(["run", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${vars.SANDMAIL_RUN}  1 messages  expires \\S+  cli$`, "m"));
    const json = JSON.parse((await sandmail(["run", "list", "--json"])).stdout) as Array<{
      id: string;
      token: string;
    }>;
    expect(json.find((r) => r.id === vars.SANDMAIL_RUN)?.token).toBe(vars.SANDMAIL_TOKEN);
  });

  it("sessions lists the run's SMTP session and prints its transcript", { timeout: 60_000 }, async () => {
    // The session of the mail sent above is kept once the server has seen it end.
    let sessions: Array<{ id: string; protocol: string }> = [];
    await vi.waitFor(
      async () => {
        const listed = await sandmail(["sessions"]);
        expect(listed.code).toBe(0);
        sessions = JSON.parse(listed.stdout);
        expect(sessions).toHaveLength(1);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(sessions[0]?.protocol).toBe("smtp");
    const text = await sandmail(["sessions", sessions[0]!.id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^# SMTP session /);
    expect(text.stdout).toMatch(/ C: RCPT TO:<ci@/);
    expect(text.stdout).toMatch(/ C: \[message body: \d+ bytes\]\n/);
    const json = await sandmail(["sessions", sessions[0]!.id, "--json"]);
    expect(JSON.parse(json.stdout).lines.length).toBeGreaterThan(5);
    const missing = await sandmail(["sessions", "no-such-session"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("session_not_found");
  });

  it("wait exits 1 with an explanation on timeout, and --none inverts it", { timeout: 60_000 }, async () => {
    const missing = await sandmail(["wait", "--subject", "never sent", "--timeout", "300"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("sandmail wait:");
    expect(missing.stderr).toMatch(/Your code/); // what came instead is named
    expect(missing.stdout).toBe("");

    expect((await sandmail(["wait", "--subject", "never sent", "--none", "--timeout", "300"])).code).toBe(0);
    const unexpected = await sandmail(["wait", "--subject", "Your code", "--none", "--timeout", "300"]);
    expect(unexpected.code).toBe(1);
    expect(unexpected.stderr).toContain("Your code");
  });

  it("check html|links|spam runs the server's checks and exits 1 on problems", {
    timeout: 60_000,
  }, async () => {
    const to = `check@${env.SANDMAIL_DOMAIN}`;
    await nodemailer
      .createTransport({ host: "127.0.0.1", port: Number(env.SANDMAIL_SMTP_PORT), ignoreTLS: true })
      .sendMail({
        from: "app@example.com",
        to,
        subject: "Layout",
        text: "Layout",
        html: '<div style="display:flex">Hello</div>',
      });
    const strict = await sandmail(["check", "html", "--to", to, "--clients", "outlook"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/html: score \d+, \d+ warning\(s\), more than 0 allowed/);
    expect(strict.stdout).toMatch(/css-display-flex \(1x\): .*outlook\.windows no/);
    const lenient = await sandmail([
      "check",
      "html",
      "--to",
      to,
      "--clients",
      "apple-mail",
      "--max-warnings",
      "20",
    ]);
    expect(lenient.code).toBe(0);
    const links = await sandmail(["check", "links", "--to", to, "--json"]);
    expect(links.code).toBe(0);
    expect(JSON.parse(links.stdout)).toEqual({ ok: true, links: [] });
    const spam = await sandmail(["check", "spam", "--to", to]);
    expect(spam.code).toBe(3);
    expect(spam.stderr).toContain("SANDMAIL_SPAMD");
    const usage = await sandmail(["check", "virus", "--to", to]);
    expect(usage.code).toBe(2);
  });

  it("faults set|get|clear manage the run's SMTP faults, which the app then meets", {
    timeout: 120_000,
  }, async () => {
    const set = await sandmail([
      "faults",
      "set",
      "--stage",
      "rcpt",
      "--action",
      "reply",
      "--code",
      "451",
      "--count",
      "1",
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      rules: [{ stage: "rcpt", action: "reply", code: 451, count: 1, remaining: 1, fired: 0 }],
    });
    const t = nodemailer.createTransport({
      host: "127.0.0.1",
      port: Number(env.SANDMAIL_SMTP_PORT),
      ignoreTLS: true,
    });
    const mail = { from: "app@example.com", to: `f@${env.SANDMAIL_DOMAIN}`, subject: "faulted", text: "x" };
    await expect(t.sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    await t.sendMail(mail);
    t.close();
    expect(JSON.parse((await sandmail(["faults", "get"])).stdout).rules).toMatchObject([
      { remaining: 0, fired: 1 },
    ]);
    const two = await sandmail([
      "faults",
      "set",
      '{"stage":"mail","action":"require-tls"}',
      '{"stage":"data","action":"reply","code":554,"probability":0.5,"seed":3}',
    ]);
    expect(JSON.parse(two.stdout).rules).toHaveLength(2);
    const bad = await sandmail(["faults", "set", "--stage", "connect", "--action", "greylist"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^sandmail: .*greylist|action/m);
    expect((await sandmail(["faults", "set", "{not json"])).code).toBe(2);
    expect((await sandmail(["faults", "clear"])).code).toBe(0);
    expect(JSON.parse((await sandmail(["faults", "get"])).stdout)).toEqual({ rules: [] });
  });

  it("explains bad usage and a wrong token without a stack trace", { timeout: 60_000 }, async () => {
    const noRun = await sandmail(["wait"], { SANDMAIL_RUN: "", SANDMAIL_TOKEN: "" });
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain("SANDMAIL_RUN");
    const wrong = await sandmail(["messages"], { SANDMAIL_TOKEN: "not-the-token" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^sandmail: .*401/m);
    expect(wrong.stderr).not.toContain("    at ");
    const deleted = await sandmail(["run", "delete"]);
    expect(deleted.code).toBe(0);
    expect((await sandmail(["run", "info"])).code).toBe(3);
  });

  it("has --help for every command", { timeout: 60_000 }, async () => {
    for (const command of ["run", "wait", "messages", "extract", "check", "faults", "sessions"]) {
      const res = await sandmail([command, "--help"]);
      expect(res.code, command).toBe(0);
      expect(res.stdout, command).toContain(`sandmail ${command}`);
    }
  });
});
