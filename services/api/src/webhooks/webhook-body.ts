import type { Run, StoreEvent } from "@sandmail/core";
import type { MailStore, WebhookEvent } from "@sandmail/store";
import { messageSummaryView } from "../views/message.js";
import type { ParsedMessages } from "../views/parsed-messages.js";
import { messageContent } from "../views/parsed-messages.js";

/** The webhook event a store event is announced as, if any. */
export function webhookEventOf(event: StoreEvent): WebhookEvent | undefined {
  switch (event.type) {
    case "message.added":
      return "message.received";
    case "message.flags":
    case "message.moved":
    case "message.expunged":
      return event.type;
    default:
      return undefined;
  }
}

/**
 * The JSON body of a delivery: `{type, timestamp, data}` (the Standard Webhooks payload shape).
 * A received message carries its summary with links and codes, so the receiver needs no call
 * back; the other events carry the store event's fields. A message gone before its body was
 * made gets `message: null`.
 */
export async function webhookBody(
  store: MailStore,
  parsed: ParsedMessages,
  run: Run,
  event: StoreEvent,
  type: WebhookEvent,
): Promise<string> {
  const timestamp = new Date().toISOString();
  if (event.type !== "message.added") {
    const { type: _t, ...data } = event;
    return JSON.stringify({ type, timestamp, data });
  }
  const msg = await store.getMessage(run.id, event.messageId);
  if (!msg) return JSON.stringify({ type, timestamp, data: { runId: run.id, message: null } });
  const { parsed: decoded } = await parsed.get(run, msg);
  const { links, codes } = messageContent(decoded);
  const { id, seq, inbox, mailbox, subject, from, to, receivedAt, size } = messageSummaryView(msg);
  const message = { id, seq, inbox, mailbox, subject, from, to, receivedAt, size, codes, links };
  return JSON.stringify({ type, timestamp, data: { runId: run.id, message } });
}
