/**
 * The store's change events: one zod schema, from which the store's `StoreEvent` type is inferred
 * and the API documents its event stream (which adds the message summary to `message.added`).
 */
import { z } from "zod";

const base = {
  runId: z.string().meta({ examples: ["k3x9q2m7za"] }),
  seq: z.number().int().describe("The run's sequence number of this change; also the SSE `id:`."),
};

const messageEvent = {
  ...base,
  messageId: z.string().meta({ examples: ["1a"] }),
  mailboxId: z.string().describe("The folder the message is in (after a move: the destination)."),
  address: z
    .string()
    .describe("The inbox address.")
    .meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] }),
  uid: z.number().int().describe("IMAP UID in that folder."),
  modSeq: z.number().int(),
};

const flags = z.array(z.string()).describe("The message's flags after the change.");

export const MessageAddedEvent = z
  .object({ type: z.literal("message.added"), ...messageEvent, flags })
  .describe("A message arrived (SMTP, IMAP APPEND or COPY).");

export const MessageFlagsEvent = z
  .object({ type: z.literal("message.flags"), ...messageEvent, flags })
  .describe("Flags changed.");

export const MessageMovedEvent = z
  .object({
    type: z.literal("message.moved"),
    ...messageEvent,
    flags,
    fromMailboxId: z.string(),
    fromUid: z.number().int(),
  })
  .describe("Moved to another folder; keeps its id and seq.");

export const MessageExpungedEvent = z
  .object({ type: z.literal("message.expunged"), ...messageEvent })
  .describe("Deleted for good.");

export const MailboxEvent = z
  .object({
    type: z.enum(["mailbox.created", "mailbox.deleted", "mailbox.renamed"]),
    ...base,
    mailboxId: z.string(),
    address: z.string(),
    name: z.string().describe("The folder name (after a rename: the new one)."),
    oldName: z.string().optional().describe("For mailbox.renamed: the previous name."),
  })
  .describe("A folder was created, deleted or renamed.");

export const RunDeletedEvent = z
  .object({ type: z.literal("run.deleted"), ...base })
  .describe("The run and all its mail are gone; the stream ends after this event.");

export const StoreEvent = z.discriminatedUnion("type", [
  MessageAddedEvent,
  MessageFlagsEvent,
  MessageMovedEvent,
  MessageExpungedEvent,
  MailboxEvent,
  RunDeletedEvent,
]);
export type StoreEvent = z.infer<typeof StoreEvent>;

// A record, so the compiler insists on every type of the schema, and on nothing else.
const listed: Record<StoreEvent["type"], true> = {
  "message.added": true,
  "message.flags": true,
  "message.moved": true,
  "message.expunged": true,
  "mailbox.created": true,
  "mailbox.deleted": true,
  "mailbox.renamed": true,
  "run.deleted": true,
};

/** Every event type, in the order the API documents them. */
export const STORE_EVENT_TYPES = Object.keys(listed) as [StoreEvent["type"], ...StoreEvent["type"][]];
