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
import { move, transferableSymbol, valueSymbol } from "piscina";

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

  /**
   * The decoded view and what extraction finds in it: both cost seconds on a 25 MiB message. A
   * long text or HTML comes back as its UTF-8 bytes (ReadMessageOutput.utf8), moved, not copied.
   */
  readMessage: async (raw: Uint8Array): Promise<ReadMessageOutput> => {
    const parsed = await parseMessage(asBuffer(raw));
    const content = extractContent(parsed);
    const utf8: ReadMessageOutput["utf8"] = {};
    const moved: ArrayBuffer[] = [];
    for (const field of ["text", "html"] as const) {
      const value = parsed[field];
      if (value === undefined || value.length < MOVED_CHARS) continue;
      const bytes = new TextEncoder().encode(value);
      utf8[field] = bytes;
      moved.push(bytes.buffer);
      delete parsed[field];
    }
    const out: ReadMessageOutput = { parsed, content, utf8 };
    if (moved.length === 0) return out;
    // Piscina posts the value with these buffers in its transfer list; the caller gets `out`.
    return move({
      get [transferableSymbol]() {
        return moved;
      },
      get [valueSymbol]() {
        return out;
      },
    }) as unknown as ReadMessageOutput;
  },
};

/**
 * Strings from this long on cross back to the caller's thread as bytes. A string is copied
 * character by character into the receiving thread in one go, as the message arrives: a 25 MiB
 * text held the main thread's event loop ~100 ms there. Transferred bytes cost nothing to receive,
 * and the caller turns them into text only where it must.
 */
const MOVED_CHARS = 256 * 1024;

export interface ReadMessageOutput {
  /** Without the text or html that are in `utf8` instead. */
  parsed: ParsedMessage;
  content: MessageContent;
  utf8: { text?: Uint8Array; html?: Uint8Array };
}

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;
