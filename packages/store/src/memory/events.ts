import { SandmailError, type StoreEvent } from "@sandmail/core";
import type { StoreListener } from "../contract.js";
import { EVENTS_KEPT } from "../shared/inputs.js";
import { lowerBound } from "./sorted.js";
import type { MailboxRecord, MessageRecord, RunState } from "./state.js";

/** A run's event log and its subscribers: every change announces itself through `emit`. */
export function emit(state: RunState, event: StoreEvent): void {
  state.events.push(event);
  // Trim in batches so the log stays amortised O(1) per event.
  if (state.events.length > EVENTS_KEPT + 1000) state.events.splice(0, state.events.length - EVENTS_KEPT);
  if (state.listeners.size === 0) return;
  const listeners = [...state.listeners];
  // After the change is applied and the caller's synchronous code has run, in seq order.
  queueMicrotask(() => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not break the writer or the other subscribers.
      }
    }
  });
}

export function emitAdded(state: RunState, rec: MessageRecord): void {
  emit(state, {
    type: "message.added",
    runId: state.run.id,
    seq: rec.seq,
    messageId: rec.id,
    mailboxId: rec.mailbox.id,
    address: rec.mailbox.address,
    uid: rec.uid,
    flags: [...rec.flags],
    modSeq: rec.modSeq,
  });
}

export function emitMoved(state: RunState, rec: MessageRecord, from: MailboxRecord, fromUid: number): void {
  emit(state, {
    type: "message.moved",
    runId: state.run.id,
    seq: rec.modSeq,
    messageId: rec.id,
    address: rec.mailbox.address,
    fromMailboxId: from.id,
    fromUid,
    mailboxId: rec.mailbox.id,
    uid: rec.uid,
    flags: [...rec.flags],
    modSeq: rec.modSeq,
  });
}

export function eventsSince(state: RunState, afterSeq: number, limit?: number): StoreEvent[] {
  const events = state.events;
  const from = lowerBound(events, (Number(afterSeq) || 0) + 1, (e) => e.seq);
  const to = limit === undefined ? events.length : Math.min(events.length, from + Math.max(0, limit));
  return events.slice(from, to);
}

export function subscribe(state: RunState, listener: StoreListener): () => void {
  if (typeof listener !== "function")
    throw new SandmailError("invalid_request", "listener must be a function");
  // A wrapper, so the same function subscribed twice is two subscriptions.
  const entry: StoreListener = (e) => listener(e);
  state.listeners.add(entry);
  return () => {
    state.listeners.delete(entry);
  };
}
