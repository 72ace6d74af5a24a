import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandmailArgs } from "../support/cli.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";

interface CreatedRun {
  id: string;
  token: string;
  domain: string;
  smtp: { host: string; port: number; username: string; password: string };
}

/** `sandmail mcp` spawned by the MCP SDK's own client over stdio, against a running sandbox. */
describe("sandmail mcp", () => {
  let sb: TestSandbox;
  let client: Client;
  let transport: StdioClientTransport;
  const transportErrors: Error[] = [];
  let stderr = "";

  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (result: CallToolResult) =>
    result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  const json = <T>(result: CallToolResult): T => {
    expect(result.isError ?? false, text(result)).toBe(false);
    return JSON.parse(text(result)) as T;
  };

  beforeAll(async () => {
    sb = await startTestSandbox();
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [...sandmailArgs, "mcp"],
      env: { ...(process.env as Record<string, string>), SANDMAIL_URL: sb.apiUrl },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    client = new Client({ name: "sandmail-test", version: "0.0.0" });
    // Anything on stdout that is not a protocol message surfaces here.
    client.onerror = (err) => transportErrors.push(err);
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    await sb?.close();
  });

  it("lists the seven tools with input schemas", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "assert_message",
      "create_run",
      "delete_run",
      "get_code",
      "get_link",
      "get_message",
      "wait_for_message",
    ]);
    const wait = tools.find((t) => t.name === "wait_for_message");
    expect(Object.keys(wait?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["run", "to", "subject", "header", "count", "timeout", "expect"]),
    );
  });

  it("creates a run, waits for real mail, reads its code and link, asserts, deletes", {
    timeout: 60_000,
  }, async () => {
    const run = json<CreatedRun>(await call("create_run", { label: "mcp" }));
    expect(run.smtp.port).toBe(sb.ports.smtp);
    const to = `signup@${run.domain}`;
    await nodemailer
      .createTransport({
        host: "127.0.0.1",
        port: run.smtp.port,
        auth: { user: run.smtp.username, pass: run.smtp.password },
        tls: { rejectUnauthorized: false },
      })
      .sendMail({
        from: "app@shop.example",
        to,
        subject: "Your verification code",
        text: "Your code is 493817. Or confirm at https://shop.example/confirm?t=abc123",
        html: '<p>Your code is <b>493817</b>.</p><p><a href="https://shop.example/confirm?t=abc123">Confirm</a></p>',
      });

    const waited = json<{ messages: Array<{ id: string; subject: string }> }>(
      await call("wait_for_message", { run: run.id, to, subject: "/verification/i", timeout: 10_000 }),
    );
    expect(waited.messages.map((m) => m.subject)).toEqual(["Your verification code"]);
    const id = waited.messages[0]?.id ?? "";

    expect(json<{ code: string }>(await call("get_code", { run: run.id, id })).code).toBe("493817");
    expect(
      json<{ link: string }>(
        await call("get_link", { run: run.id, subject: "verification", pattern: "/confirm" }),
      ).link,
    ).toBe("https://shop.example/confirm?t=abc123");
    const message = json<{ text: string; from: { address: string } }>(
      await call("get_message", { run: run.id, id }),
    );
    expect(message.from.address).toBe("app@shop.example");

    const passed = json<{ pass: boolean }>(
      await call("assert_message", {
        run: run.id,
        id,
        assertions: [
          { type: "subject", contains: "verification" },
          { type: "code", value: "493817" },
          { type: "link", matches: "/confirm\\?t=" },
        ],
      }),
    );
    expect(passed.pass).toBe(true);

    const failed = await call("assert_message", {
      run: run.id,
      id,
      assertions: [
        { type: "subject", equals: "Welcome" },
        { type: "code", value: "493817" },
      ],
    });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toContain("1 of 2 assertions failed");
    expect(text(failed)).toContain("Your verification code"); // the actual value

    // A second wait of the session starts after the message the first returned.
    const timedOut = await call("wait_for_message", { run: run.id, timeout: 300 });
    expect(timedOut.isError).toBe(true);
    expect(text(timedOut)).toContain("wait_timeout");
    expect(
      json<{ matched: number }>(
        await call("wait_for_message", {
          run: run.id,
          subject: "nothing like it",
          expect: "none",
          timeout: 200,
        }),
      ).matched,
    ).toBe(0);

    expect(json<{ deleted: string }>(await call("delete_run", { run: run.id })).deleted).toBe(run.id);
    const gone = await call("get_message", { run: run.id, token: run.token, id });
    expect(gone.isError).toBe(true);
    expect(text(gone)).toContain("run_not_found");
  });

  it("turns API errors into tool errors carrying the problem+json, and keeps runs apart", {
    timeout: 60_000,
  }, async () => {
    const a = json<CreatedRun>(await call("create_run"));
    const b = json<CreatedRun>(await call("create_run"));

    const missing = await call("get_message", { run: a.id, id: "no-such-message" });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/404 message_not_found/);
    expect(text(missing)).toContain('"type": "urn:sandmail:problem:message_not_found"');

    await nodemailer
      .createTransport({ host: "127.0.0.1", port: a.smtp.port, ignoreTLS: true })
      .sendMail({ from: "app@shop.example", to: `x@${a.domain}`, subject: "for a only", text: "hi" });
    const [summary] = json<{ messages: Array<{ id: string }> }>(
      await call("wait_for_message", { run: a.id }),
    ).messages;
    // Run b's token does not open run a.
    const foreign = await call("get_message", { run: a.id, token: b.token, id: summary?.id });
    expect(foreign.isError).toBe(true);
    expect(text(foreign)).toMatch(/\b(401|403|404)\b/);
    expect(text(foreign)).not.toContain("for a only");

    const unknown = await call("get_code", { run: "nosuchrun00", id: "1" });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toContain("pass its token");

    const noCode = await call("get_code", { run: a.id, id: summary?.id });
    expect(noCode.isError).toBe(true);
    expect(text(noCode)).toContain("no one-time code");

    await call("delete_run", { run: a.id });
    await call("delete_run", { run: b.id });
  });

  it("writes nothing but the protocol to stdout", () => {
    expect(transportErrors).toEqual([]);
    expect(stderr).toContain("serving on stdio");
  });
});
