import type { ActiveGauge } from "@sandmail/metrics";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { eventFilter } from "../events/event-filter.js";
import { type RunEventStream, streamRunEvents } from "../events/run-event-stream.js";
import { SseChannel } from "../events/sse-channel.js";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { RunParams } from "../schemas/common.js";
import { EventStream, EventsHeaders, EventsQuery } from "../schemas/events.js";
import { problemResponses, tooManyResponse } from "../schemas/problem.js";
import { runCap } from "../support/run-caps.js";

export interface EventRoutesOptions {
  store: MailStore;
  access: RunAccess;
  /** Interval of the `: ping` comments (ms); default 15 s, below common proxy idle timeouts. */
  heartbeatMs?: number;
  /** The `retry:` hint sent at the start of each stream (ms). */
  retryMs?: number;
  /** Counts the open streams (`sandmail_api_event_streams_active`). */
  streams?: ActiveGauge;
  /** Streams one run may hold open at once (SANDMAIL_MAX_STREAMS_PER_RUN); one more answers 429. */
  maxPerRun: number;
}

/** GET /v1/runs/{run}/events; registered under the run-scoped prefix. */
export const eventRoutes: FastifyPluginAsyncZod<EventRoutesOptions> = async (app, options) => {
  const { store, access } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 2_000;
  // Open streams of this instance: a hijacked response would otherwise hold close() forever.
  const open = new Set<RunEventStream>();
  // Each open stream holds a store subscription and a socket: a run gets a bounded number.
  const perRun = runCap(
    options.maxPerRun,
    "too_many_streams",
    "open event streams",
    "SANDMAIL_MAX_STREAMS_PER_RUN",
  );
  app.addHook("preClose", async () => {
    for (const stream of open) stream.end();
  });

  app.get(
    "/events",
    {
      // A HEAD would open a stream that never ends.
      exposeHeadRoute: false,
      config: { acceptsQueryToken: true },
      schema: {
        tags: ["events"],
        summary: "Stream run events",
        description:
          "Server-sent events of the run's changes: `message.added` (with the message summary), `message.flags`, " +
          "`message.moved`, `message.expunged`, `mailbox.created|deleted|renamed` and `run.deleted` (after which the " +
          "stream ends). Each event's `id:` is the run's sequence number. Resumable: reconnect with `Last-Event-ID` " +
          "(EventSource does this itself) or `?after=` and the missed events are replayed, none lost or repeated. " +
          "When they are no longer kept (a run keeps its newest 10,000 events), an `event: reset` says so: re-read " +
          "the messages and go on. `: ping` comments every 15 s keep proxies from closing the stream. " +
          "Authenticate with `Authorization: Bearer <run token>`, or `?token=` where the client cannot set headers " +
          "(browser EventSource).",
        security: [...runSecurity, { runTokenQuery: [] }],
        params: RunParams,
        querystring: EventsQuery,
        headers: EventsHeaders,
        response: {
          200: {
            description: "The event stream; it stays open until the client leaves or the run is deleted.",
            content: { "text/event-stream": { schema: EventStream } },
          },
          ...problemResponses(400, 401, 404, 503),
          ...tooManyResponse(
            "too_many_streams",
            "The run already holds SANDMAIL_MAX_STREAMS_PER_RUN open streams.",
          ),
        },
      },
    },
    async (request, reply) => {
      const run = access.runOf(request);
      // Bad input, or a store that cannot subscribe, is answered as problem+json before the stream starts.
      const filter = eventFilter(request.query);
      const after = request.headers["last-event-id"] ?? request.query.after;
      const slot = perRun.take(run.id);
      let stream: RunEventStream | undefined;
      let ended = false;
      let release: (() => void) | undefined;
      try {
        stream = await streamRunEvents({
          store,
          runId: run.id,
          filter,
          after,
          heartbeatMs,
          log: request.log,
          open: async () => {
            reply.hijack();
            const channel = await SseChannel.open(request.raw, reply.raw, { retryMs });
            // Counted only once open: from here on the stream's end is reported through onEnd.
            release = options.streams?.hold();
            return channel;
          },
          onEnd: () => {
            ended = true;
            slot();
            release?.();
            if (stream) open.delete(stream);
          },
        });
      } catch (err) {
        slot();
        throw err;
      }
      // A client gone before the stream was set up has already ended it.
      if (!ended) open.add(stream);
    },
  );
};
