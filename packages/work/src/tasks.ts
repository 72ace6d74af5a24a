import { checkHtml, type EmailClient, type HtmlCheck, type HtmlMessageParts } from "@sandmail/checks";
import {
  type AuthContext,
  type AuthResults,
  authenticateMessage,
  extractContent,
  type MessageContent,
  type ParsedMessage,
  parseMessage,
  systemDnsFallback,
} from "@sandmail/mime";

/**
 * Bytes arrive in a worker as a plain Uint8Array, on shared memory (core's sharedBytes): view them
 * as a Buffer again, without a copy.
 */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** What a worker can be asked to do; each takes and returns structured-cloneable values. */
export const TASKS = {
  checkHtml: ({ parts, clients }: { parts: HtmlMessageParts; clients: EmailClient[] }): HtmlCheck =>
    checkHtml(parts, clients),

  /** SPF, DKIM, DMARC and ARC of one message (the resolver is built here: functions do not cross threads). */
  authenticate: ({
    raw,
    context,
    dnsFallback,
  }: {
    raw: Uint8Array;
    context: Omit<AuthContext, "fallback">;
    dnsFallback: boolean;
  }): Promise<AuthResults> =>
    authenticateMessage(asBuffer(raw), {
      ...context,
      ...(dnsFallback ? { fallback: systemDnsFallback() } : {}),
    }),

  /** The decoded view and what extraction finds in it: both cost seconds on a 25 MiB message. */
  readMessage: async (raw: Uint8Array): Promise<{ parsed: ParsedMessage; content: MessageContent }> => {
    const parsed = await parseMessage(asBuffer(raw));
    return { parsed, content: extractContent(parsed) };
  },
};

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;
