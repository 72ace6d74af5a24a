import type { StoreEvent } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import { messageSummaryView } from "../views/message.js";
import type { SseEvent } from "./sse-channel.js";

/**
 * Store events as SSE events: `id` the run seq, `event` the type, `data` the store event; a
 * message.added also carries the message summary (one batch lookup per chunk), so a client
 * needs no second call. A message deleted before its event went out gets `message: null`.
 */
export async function eventPayloads(
  store: MailStore,
  runId: string,
  events: StoreEvent[],
): Promise<SseEvent[]> {
  const addedIds = events.flatMap((e) => (e.type === "message.added" ? [e.messageId] : []));
  const found = addedIds.length > 0 ? await store.getMessages(runId, addedIds) : [];
  const summaries = new Map<string, ReturnType<typeof messageSummaryView>>();
  for (const msg of found) if (msg) summaries.set(msg.id, messageSummaryView(msg));
  return events.map((e) => ({
    id: e.seq,
    type: e.type,
    data: e.type === "message.added" ? { ...e, message: summaries.get(e.messageId) ?? null } : e,
  }));
}
