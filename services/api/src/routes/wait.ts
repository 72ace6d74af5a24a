import { type Config, type Run, SandmailError } from "@sandmail/core";
import type { ActiveGauge } from "@sandmail/metrics";
import type { MailStore } from "@sandmail/store";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { RunParams } from "../schemas/common.js";
import { problemResponses, tooManyResponse } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";
import { DEFAULT_WAIT_MS, WaitResult, waitBody, waitProblemResponses, waitQuery } from "../schemas/wait.js";
import { sendJson } from "../support/json-stream.js";
import { runCap } from "../support/run-caps.js";
import { messageDetailView, messageSummaryView } from "../views/message.js";
import { type ParsedMessages, summaryOnly } from "../views/parsed-messages.js";
import { wholeCount } from "../wait/answer-budget.js";
import { type Criteria, type CriteriaInput, compileCriteria } from "../wait/criteria.js";
import { messageBrief, timeoutDetail, unexpectedDetail } from "../wait/report.js";
import { RunFeeds } from "../wait/run-feeds.js";
import { ScanMarks } from "../wait/scan-marks.js";
import { type Expectation, waitForMessages } from "../wait/wait-for-messages.js";

export interface WaitRoutesOptions {
  config: Config;
  store: MailStore;
  access: RunAccess;
  parsed: ParsedMessages;
  /** Shared subscriptions; one is made per app when absent. */
  feeds?: RunFeeds;
  /** Counts the waits being held (`sandmail_api_waits_active`). */
  waits?: ActiveGauge;
}

type WaitInput = CriteriaInput & {
  count?: number | undefined;
  timeout?: number | undefined;
  expect?: Expectation | undefined;
};

const shuttingDown = Symbol("shutting down");

const description =
  "Blocks until `count` messages match every criterion given, then answers them in arrival order with a " +
  "`cursor` to pass as `after` next time. Stored messages are looked at first, then new arrivals, with no " +
  "window in which one can slip between the two. On timeout: 408 `wait_timeout`, saying what arrived instead. " +
  "With `expect=none`: 200 when nothing matched within the timeout, 409 `unexpected_message` as soon as something does.";

/** GET and POST /v1/runs/{run}/messages/wait; registered under the run-scoped prefix. */
export const waitRoutes: FastifyPluginAsyncZod<WaitRoutesOptions> = async (app, options) => {
  const { config, store, access, parsed } = options;
  const feeds = options.feeds ?? new RunFeeds(store);
  const active = new Set<AbortController>();
  const maxWaitMs = config.SANDMAIL_MAX_WAIT_MS;
  // Each held wait costs a subscription listener and memory: a run gets a bounded number.
  const perRun = runCap(
    config.SANDMAIL_MAX_WAITS_PER_RUN,
    "too_many_waits",
    "open waits",
    "SANDMAIL_MAX_WAITS_PER_RUN",
  );

  // Waits may be held for minutes: end them on shutdown instead of holding the close up.
  app.addHook("preClose", async () => {
    for (const controller of active) controller.abort(shuttingDown);
  });

  const marks = new ScanMarks();
  /** The scan mark of content-only criteria (read state and folder change after arrival). */
  const markFor = (run: Run, input: WaitInput, criteria: Criteria) => {
    if (criteria.dependsOnState) return {};
    const key = JSON.stringify([input.inbox, input.to, input.from, input.subject, input.text, input.header]);
    return { mark: marks.mark(run, key) };
  };

  const answer = async (run: Run, input: WaitInput, reply: FastifyReply) => {
    const criteria = compileCriteria(input);
    const count = input.count ?? 1;
    const timeoutMs = Math.min(input.timeout ?? DEFAULT_WAIT_MS, maxWaitMs);
    const expect = input.expect ?? "some";
    const slot = perRun.take(run.id);
    const controller = new AbortController();
    // 'close' before the answer is written means the client went away: release the wait at once.
    const onClose = () => {
      if (!reply.raw.writableEnded) controller.abort(new Error("client closed the connection"));
    };
    reply.raw.once("close", onClose);
    active.add(controller);
    const release = options.waits?.hold();
    let outcome: Awaited<ReturnType<typeof waitForMessages>>;
    try {
      outcome = await waitForMessages(
        { store, feeds, parsed },
        {
          run,
          criteria,
          count,
          timeoutMs,
          expect,
          signal: controller.signal,
          ...markFor(run, input, criteria),
        },
      );
    } finally {
      slot();
      release?.();
      active.delete(controller);
      reply.raw.off("close", onClose);
    }

    switch (outcome.kind) {
      case "matched": {
        const whole = wholeCount(outcome.messages);
        const messages = await Promise.all(
          outcome.messages.map(async (msg, i) => {
            if (i >= whole)
              return { ...messageDetailView(msg, summaryOnly(msg)), contentOmitted: true as const };
            const entry = await parsed.get(run, msg);
            return messageDetailView(msg, entry.parsed, entry.error);
          }),
        );
        return sendJson(reply, { messages, cursor: outcome.messages.at(-1)?.seq ?? criteria.after });
      }
      case "none":
        return { messages: [], cursor: outcome.cursor };
      case "unexpected":
        throw new SandmailError(
          "unexpected_message",
          unexpectedDetail(criteria.describe(), outcome.message),
          {
            criteria: criteria.describe(),
            message: messageSummaryView(outcome.message),
            cursor: outcome.message.seq,
          },
        );
      case "timeout": {
        const facts = {
          wanted: count,
          criteria: criteria.describe(),
          timeoutMs,
          matched: outcome.matched,
          unmatched: outcome.unmatched,
          unmatchedCount: outcome.unmatchedCount,
        };
        throw new SandmailError("wait_timeout", timeoutDetail(facts), {
          wanted: count,
          matched: outcome.matched.length,
          criteria: facts.criteria,
          timeoutMs,
          after: criteria.after,
          matchedMessages: outcome.matched.map(messageBrief),
          unmatchedCount: outcome.unmatchedCount,
          unmatched: outcome.unmatched.map(messageBrief),
        });
      }
      case "aborted":
        if (outcome.reason === shuttingDown) {
          throw new SandmailError("store_unavailable", "the server is shutting down; wait again");
        }
        // Nobody is listening any more; nothing to send.
        return reply.hijack();
    }
  };

  const responses = {
    200: json(WaitResult, "The matching messages, in arrival order."),
    ...problemResponses(400, 401, 404, 503),
    ...waitProblemResponses,
    ...tooManyResponse("too_many_waits", "The run already holds SANDMAIL_MAX_WAITS_PER_RUN open waits."),
  };

  app.get(
    "/messages/wait",
    {
      schema: {
        tags: ["messages"],
        summary: "Wait for messages (criteria in the query)",
        description,
        security: runSecurity,
        params: RunParams,
        querystring: waitQuery(maxWaitMs),
        response: responses,
      },
    },
    async (request, reply) => answer(access.runOf(request), request.query, reply),
  );

  app.post(
    "/messages/wait",
    {
      schema: {
        tags: ["messages"],
        summary: "Wait for messages (criteria in a JSON body)",
        description,
        security: runSecurity,
        params: RunParams,
        body: waitBody(maxWaitMs),
        response: responses,
      },
    },
    async (request, reply) => answer(access.runOf(request), request.body, reply),
  );
};
