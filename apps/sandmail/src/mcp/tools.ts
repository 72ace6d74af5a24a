import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Assertion, MAX_ASSERTIONS } from "@sandmail/api/schemas/assert";
import { criteriaBodyShape } from "@sandmail/api/schemas/criteria";
import { waitBody } from "@sandmail/api/schemas/wait";
import {
  AssertionFailedError,
  type Message,
  type Run,
  type Sandmail,
  SandmailError,
  type Assertion as SdkAssertion,
} from "@sandmail/sdk";
import { z } from "zod";
import { linkPattern, UsageError } from "../commands/client-options.js";
import { sdkCriteria } from "./criteria.js";

/**
 * The tools an agent uses to test a sign-up or password-reset flow: make a run, point the app at
 * its SMTP settings, wait for the mail, read the code or link, assert, clean up. Inputs reuse the
 * API's own schemas (criteria, wait controls, assertions), so a tool takes what the API takes.
 */

// The server caps waits by its SANDMAIL_MAX_WAIT_MS (default 300 s) and says so when it does.
const wait = waitBody(300_000).shape;

const runRef = {
  run: z.string().min(1).describe("The run id, as create_run returned it."),
  token: z
    .string()
    .min(1)
    .optional()
    .describe("The run's token; not needed for runs made by create_run in this session."),
};

const pickRef = {
  ...runRef,
  id: z
    .string()
    .min(1)
    .optional()
    .describe("This message; else the newest matching the criteria, waited for."),
  ...criteriaBodyShape,
  timeout: wait.timeout,
};

/** Tool results: JSON for the agent to read; failures with the server's explanation and isError. */
const ok = (value: unknown): CallToolResult => ({
  content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
});

function failed(text: string, details?: unknown): CallToolResult {
  const extra = details === undefined ? "" : `\n${JSON.stringify(details, null, 2)}`;
  return { isError: true, content: [{ type: "text", text: `${text}${extra}` }] };
}

/** An API error (problem+json), an extraction that found nothing, or a bad input: an MCP tool error. */
async function guarded(work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AssertionFailedError)
      return failed(err.message, { pass: false, results: err.results });
    if (err instanceof SandmailError) return failed(err.message, err.problem);
    if (err instanceof UsageError) return failed(err.message);
    throw err;
  }
}

/** A message as JSON, without the SDK's methods. */
function messageJson(message: Message): Record<string, unknown> {
  const { checks: _checks, ...data } = message;
  return data;
}

export function registerTools(server: McpServer, sandmail: Sandmail): void {
  // Runs made (or attached) in this session, so later calls need only the run id; the Run object
  // also keeps the wait cursor, so a second wait returns the next message, not the first again.
  const runs = new Map<string, Run>();

  async function runFor(ref: { run: string; token?: string | undefined }): Promise<Run> {
    const known = runs.get(ref.run);
    if (known && (ref.token === undefined || ref.token === known.token)) return known;
    if (ref.token === undefined)
      throw new UsageError(`run ${ref.run} was not created in this session: pass its token`);
    const run = await sandmail.run(ref.run, ref.token);
    runs.set(run.id, run);
    return run;
  }

  async function pick(input: z.infer<z.ZodObject<typeof pickRef>>): Promise<Message> {
    const run = await runFor(input);
    if (input.id !== undefined) return run.message(input.id);
    const { run: _r, token: _t, id: _i, timeout, after, ...criteria } = input;
    return run.waitForMessage(sdkCriteria(criteria), {
      after: after ?? 0,
      ...(timeout !== undefined ? { timeout } : {}),
    });
  }

  server.registerTool(
    "create_run",
    {
      title: "Create a test run",
      description:
        "Creates an isolated run: any address at its domain delivers into it. Returns the run id, its token, " +
        "the domain, and the SMTP (and IMAP) settings to configure the application under test with.",
      inputSchema: {
        ttlSeconds: z.int().min(1).optional().describe("How long the run lives (server default 1 hour)."),
        label: z.string().max(200).optional().describe("Free text to recognise the run by."),
      },
    },
    ({ ttlSeconds, label }) =>
      guarded(async () => {
        const run = await sandmail.createRun({
          ...(ttlSeconds !== undefined ? { ttl: ttlSeconds } : {}),
          ...(label !== undefined ? { label } : {}),
        });
        runs.set(run.id, run);
        const { nodemailer: _n, ...smtp } = run.smtp;
        return ok({
          id: run.id,
          token: run.token,
          domain: run.domain,
          exampleAddress: run.address("user"),
          smtp,
          ...(run.imap ? { imap: run.imap } : {}),
          ...(run.uiUrl ? { uiUrl: run.uiUrl } : {}),
          expiresAt: run.expiresAt.toISOString(),
        });
      }),
  );

  server.registerTool(
    "wait_for_message",
    {
      title: "Wait for a message",
      description:
        "Waits until `count` messages matching the criteria are in the run and returns them in full " +
        "(subject, addresses, text, html, links, codes, auth results). Without `after`, only mail after the " +
        "last message a wait of this session returned. On timeout the error says what arrived instead. " +
        "With expect=none: succeeds when nothing matched within the timeout (negative tests).",
      inputSchema: { ...runRef, ...wait },
    },
    (input) =>
      guarded(async () => {
        const { run: _r, token: _t, count, timeout, after, expect, ...criteria } = input;
        const run = await runFor(input);
        const wanted = sdkCriteria(criteria);
        const options = { ...(after !== undefined ? { after } : {}) };
        if (expect === "none") {
          await run.expectNoMessage(wanted, timeout ?? 10_000, options);
          return ok({ messages: [], matched: 0 });
        }
        const messages = await run.waitForMessages(wanted, count ?? 1, {
          ...options,
          ...(timeout !== undefined ? { timeout } : {}),
        });
        return ok({ messages: messages.map(messageJson), cursor: run.cursor });
      }),
  );

  server.registerTool(
    "get_message",
    {
      title: "Get a message",
      description: "One message of the run in full, by its id.",
      inputSchema: { ...runRef, id: z.string().min(1).describe("The message id.") },
    },
    (input) => guarded(async () => ok(messageJson(await (await runFor(input)).message(input.id)))),
  );

  server.registerTool(
    "get_code",
    {
      title: "Get a one-time code",
      description:
        "The most likely one-time code (verification, sign-in, 2FA) of a message: the one with `id`, or " +
        "the newest matching the criteria, waited for up to `timeout`.",
      inputSchema: pickRef,
    },
    (input) =>
      guarded(async () => {
        const message = await pick(input);
        return ok({ code: message.code(), messageId: message.id, subject: message.subject });
      }),
  );

  server.registerTool(
    "get_link",
    {
      title: "Get a link",
      description:
        "The first link of a message (the one with `id`, or the newest matching the criteria), or the first " +
        "whose URL contains `pattern` (or matches it, written /regex/flags): a confirmation or reset link.",
      inputSchema: {
        ...pickRef,
        pattern: z.string().min(1).optional().describe("Contains, or /regex/flags."),
      },
    },
    (input) =>
      guarded(async () => {
        const { pattern, ...ref } = input;
        const message = await pick(ref);
        const link = message.link(pattern === undefined ? undefined : linkPattern(pattern, "pattern"));
        return ok({ link, messageId: message.id, subject: message.subject });
      }),
  );

  server.registerTool(
    "assert_message",
    {
      title: "Assert on a message",
      description:
        "Checks assertions on a message on the server: headers, subject, from/to, recipient (BCC), SPF/DKIM/" +
        "DMARC/ARC results, links, codes, attachments, HTML client support, link health, spam score. An error " +
        "result lists every failed assertion with the actual value.",
      inputSchema: {
        ...runRef,
        id: z.string().min(1).describe("The message id."),
        assertions: z.array(Assertion).min(1).max(MAX_ASSERTIONS),
      },
    },
    (input) =>
      guarded(async () => {
        const message = await (await runFor(input)).message(input.id);
        // Validated by the API's own schema above (one matcher kind each), which the SDK's type
        // expresses as a union the inferred type cannot narrow to; sent as JSON unchanged.
        return ok(await message.assert(input.assertions as SdkAssertion[]));
      }),
  );

  server.registerTool(
    "delete_run",
    {
      title: "Delete a run",
      description: "Deletes the run and all its mail (a run already gone is not an error).",
      inputSchema: runRef,
    },
    (input) =>
      guarded(async () => {
        await (await runFor(input)).delete();
        runs.delete(input.run);
        return ok({ deleted: input.run });
      }),
  );
}
