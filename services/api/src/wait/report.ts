import type { StoredMessage } from "@sandmail/core";
import type { z } from "zod";
import type { MessageBrief } from "../schemas/wait.js";

export type MessageBriefView = z.infer<typeof MessageBrief>;

/** What a CI log needs to recognise a message at a glance. */
export function messageBrief(msg: StoredMessage): MessageBriefView {
  return {
    seq: msg.seq,
    id: msg.id,
    subject: msg.summary.subject,
    from: msg.summary.from[0]?.address ?? null,
    to: msg.summary.to.map((a) => a.address),
    inbox: msg.address,
    mailbox: msg.mailbox,
    receivedAt: msg.internalDate.toISOString(),
  };
}

function line(msg: StoredMessage): string {
  const to = msg.summary.to.map((a) => a.address).join(", ") || msg.address;
  return `#${msg.seq} ${JSON.stringify(msg.summary.subject)} to ${to}`;
}

export interface TimeoutFacts {
  wanted: number;
  criteria: string;
  timeoutMs: number;
  matched: StoredMessage[];
  unmatched: StoredMessage[];
  unmatchedCount: number;
}

/** The one sentence a failing CI job prints: what was wanted, and what came instead. */
export function timeoutDetail(f: TimeoutFacts): string {
  const head = `${f.matched.length} of ${f.wanted} message(s) matched ${f.criteria} within ${f.timeoutMs} ms`;
  if (f.unmatchedCount === 0) return `${head}; no other message arrived`;
  const others = f.unmatchedCount === 1 ? "1 other message" : `${f.unmatchedCount} other messages`;
  const shown = f.unmatched.slice(0, 3).map(line).join("; ");
  return `${head}; ${others} arrived, latest: ${shown}`;
}

export function unexpectedDetail(criteria: string, msg: StoredMessage): string {
  return `expected no message matching ${criteria}, but ${line(msg)} arrived`;
}
