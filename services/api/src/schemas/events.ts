import {
  MailboxEvent,
  MessageAddedEvent,
  MessageExpungedEvent,
  MessageFlagsEvent,
  MessageMovedEvent,
  RunDeletedEvent,
  STORE_EVENT_TYPES,
} from "@sandmail/core";
import { z } from "zod";
import { MessageSummary } from "./messages.js";

/** The store's event types, as the stream names them in its `event:` field. */
export const STREAM_EVENT_TYPES = STORE_EVENT_TYPES;

export type StreamEventType = (typeof STREAM_EVENT_TYPES)[number];

export const StreamEventTypeName = z.enum(STREAM_EVENT_TYPES).describe("An event type the stream can carry.");

// A run cursor: the `seq` of an event or message. Digits only, so "1e3" or "-1" are refused.
// Examples sit on the string itself: zod leaves a transform's own metadata out of input schemas.
const Cursor = z
  .string()
  .regex(/^\d{1,15}$/, "a non-negative integer (an event id)")
  .meta({ examples: ["42"] })
  .transform(Number);

export const EventsQuery = z
  .object({
    after: Cursor.optional().describe(
      "Start after this event id (a run `seq`): events with larger ids are replayed first, then live ones. " +
        "The `Last-Event-ID` header, which EventSource sends on reconnect, takes precedence. " +
        "Without either, the stream starts with live events only.",
    ),
    types: z
      .string()
      .max(512)
      .optional()
      .describe(
        `Comma-separated event types to receive (default: all). One of: ${STREAM_EVENT_TYPES.join(", ")}. ` +
          "`run.deleted` and `reset` are always sent.",
      )
      .meta({ examples: ["message.added,message.flags"] }),
    inbox: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe("Only events of this inbox address (any case).")
      .meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] }),
    token: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe(
        "The run token, for browsers: `EventSource` cannot set an Authorization header. " +
          "Accepted on this route only; the Authorization header wins when both are given. " +
          "A token in a URL can end up in proxy logs, so prefer the header where the client allows it.",
      )
      .meta({ examples: ["tk_5f0c1e0b2a9d4c7e8f6a"] }),
  })
  // Not strict: EventSource polyfills append parameters of their own.
  .describe("Where the stream starts and which events it carries.");

export const EventsHeaders = z.object({
  "last-event-id": Cursor.optional().describe(
    "Sent by EventSource on reconnect: the id of the last event received. Resumes after it.",
  ),
});

/** Documentation of the `data:` JSON of each event type (the stream itself is text/event-stream). */
export const StreamEventData = z
  .discriminatedUnion("type", [
    MessageAddedEvent.extend({
      message: MessageSummary.nullable().describe(
        "The message summary, so no second call is needed; null when it was deleted before the event was sent.",
      ),
    }),
    MessageFlagsEvent,
    MessageMovedEvent,
    MessageExpungedEvent,
    MailboxEvent,
    RunDeletedEvent,
    z
      .object({
        type: z.literal("reset"),
        reason: z
          .enum(["expired", "unknown"])
          .describe(
            "`expired`: events after the requested id were already discarded (the run keeps its newest 10,000). " +
              "`unknown`: the id is ahead of the run (e.g. the run was created anew).",
          ),
        requested: z.number().int().describe("The id the client asked to resume after."),
        seq: z.number().int().describe("The run's current seq; the stream continues after it."),
      })
      .describe(
        "The stream cannot resume without a gap: re-read the state (e.g. list messages), then go on.",
      ),
  ])
  .meta({
    id: "StreamEventData",
    examples: [
      {
        type: "message.flags",
        runId: "k3x9q2m7za",
        seq: 43,
        messageId: "1a",
        mailboxId: "mb1",
        address: "alice@k3x9q2m7za.sandmail.test",
        uid: 1,
        flags: ["\\Seen"],
        modSeq: 43,
      },
    ],
  });

export const EventStream = z
  .string()
  .describe(
    "A text/event-stream. Each event: `id:` the run seq, `event:` the type, `data:` one line of JSON " +
      "(see StreamEventData). Comment lines `: ping` every 15 s keep proxies from closing the stream.",
  )
  .meta({
    examples: [
      'retry: 2000\n\nid: 7\nevent: message.added\ndata: {"type":"message.added","runId":"k3x9q2m7za","seq":7,"messageId":"7","mailboxId":"mb1","address":"alice@k3x9q2m7za.sandmail.test","uid":1,"flags":[],"modSeq":7,"message":{"id":"7","seq":7,"subject":"Welcome"}}\n\n: ping\n\n',
    ],
  });
