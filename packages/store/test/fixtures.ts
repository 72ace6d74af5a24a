import { randomBytes } from "node:crypto";
import type { MessageMeta, StoreEvent } from "@sandmail/core";
import type { AppendInput, MailStore } from "../src/index.js";

/** A run id no other test uses (tests share one redis-server). */
export function uniqueRunId(prefix = "t"): string {
  return `${prefix}${randomBytes(6).toString("hex")}`;
}

export function rawMessage(subject: string, body = "hello"): Buffer {
  return Buffer.from(
    `From: a@example.com\r\nTo: b@example.com\r\nSubject: ${subject}\r\nDate: Tue, 01 Jul 2025 10:00:00 +0000\r\n\r\n${body}\r\n`,
  );
}

export function metaFor(raw: Buffer, subject: string): MessageMeta {
  const headerEnd = raw.indexOf("\r\n\r\n") + 4;
  return {
    summary: {
      subject,
      from: [{ name: "A", address: "a@example.com" }],
      to: [{ name: "", address: "b@example.com" }],
      cc: [],
      date: new Date("2025-07-01T10:00:00Z"),
      messageId: `<${subject.replace(/\W/g, "")}@example.com>`,
    },
    mime: {
      part: "",
      headerStart: 0,
      headerEnd,
      bodyStart: headerEnd,
      bodyEnd: raw.length,
      contentType: "text/plain",
      params: { charset: "utf-8" },
      encoding: "7bit",
      lines: 1,
      children: [],
    },
  };
}

export function appendInput(address: string, subject: string, extra: Partial<AppendInput> = {}): AppendInput {
  const raw = extra.raw ?? rawMessage(subject);
  return { address, raw, meta: metaFor(raw, subject), ...extra };
}

/** Collects a run's live events; `next(n)` resolves once n events have arrived in total. */
export async function collectEvents(store: MailStore, runId: string) {
  const events: StoreEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = await store.subscribe(runId, (e) => {
    events.push(e);
    wake?.();
  });
  return {
    events,
    unsubscribe,
    async until(n: number, timeoutMs = 5000): Promise<StoreEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`expected ${n} events, got ${events.length}: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      return events.slice(0, n);
    },
  };
}
