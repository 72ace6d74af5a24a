import type { MailStore } from "@sandmail/store";
import type { FastifyBaseLogger } from "fastify";
import type { EventFilter } from "./event-filter.js";
import { eventPayloads } from "./event-payload.js";
import { RunEventFeed } from "./run-event-feed.js";
import type { SseChannel } from "./sse-channel.js";

export interface RunEventStreamOptions {
  store: MailStore;
  runId: string;
  filter: EventFilter;
  /** Resume after this seq; undefined starts with live events. */
  after: number | undefined;
  /** Opens the SSE response; called once the store subscription is live. */
  open(): Promise<SseChannel>;
  /** Interval of the `: ping` comments, in ms. */
  heartbeatMs: number;
  log: FastifyBaseLogger;
  /** Called once, when the stream has ended for whatever reason. */
  onEnd(): void;
}

export interface RunEventStream {
  /** Ends the stream (server shutdown); the client reconnects and resumes elsewhere. */
  end(): void;
}

/**
 * Couples a run's event feed to an SSE channel: events become SSE events, a reset notice
 * becomes `event: reset`, and a heartbeat keeps idle proxies from closing the connection (and
 * notices a run that expired, which announces no event).
 *
 * The subscription is made before the response head is sent, so a client that has seen the
 * head may send mail at once and will get its events; a store that cannot subscribe rejects
 * here, while the caller can still answer with a problem. The subscription is released as
 * soon as the client goes away.
 */
export async function streamRunEvents(options: RunEventStreamOptions): Promise<RunEventStream> {
  const { store, runId, filter, log } = options;
  let resolveChannel!: (channel: SseChannel) => void;
  const channelReady = new Promise<SseChannel>((resolve) => {
    resolveChannel = resolve;
  });
  const feed = new RunEventFeed({
    store,
    runId,
    filter,
    output: {
      events: async (events) => {
        const payloads = await eventPayloads(store, runId, events);
        await (await channelReady).send(payloads);
      },
      reset: async (notice) => (await channelReady).send([{ id: notice.seq, type: "reset", data: notice }]),
      end: () => void channelReady.then((channel) => channel.end()),
      fail: (err) => {
        log.warn({ err, runId }, "event stream stopped by a store failure");
        void channelReady.then((channel) => channel.end());
      },
    },
  });

  await feed.start(options.after);
  let channel: SseChannel;
  try {
    channel = await options.open();
  } catch (err) {
    feed.close();
    throw err;
  }
  resolveChannel(channel);

  const heartbeat = setInterval(() => {
    channel.ping(feed.position);
    store.getRun(runId).then(
      (run) => {
        if (!run) channel.end();
      },
      () => {
        // The feed reports store failures itself; a failed liveness check changes nothing.
      },
    );
  }, options.heartbeatMs);

  channel.onClose(() => {
    clearInterval(heartbeat);
    feed.close();
    options.onEnd();
  });

  return { end: () => channel.end() };
}
