import { type Run, SandmailError, type StoredMessage, sharedBytes } from "@sandmail/core";
import { extractContent, type MessageContent, type ParsedMessage, parseMessage } from "@sandmail/mime";
import type { MailStore } from "@sandmail/store";
import type { WorkerPool } from "@sandmail/work";
import { LRUCache } from "lru-cache";
import { keepUtf8Texts } from "./utf8-texts.js";

export interface ParsedEntry {
  parsed: ParsedMessage;
  /** Why decoding failed, when it did; `parsed` then holds only what the stored summary knew. */
  error?: string;
}

export interface ParsedMessagesOptions {
  maxEntries?: number;
  /** Bound on the summed raw sizes of cached messages. */
  maxBytes?: number;
  /** Worker threads that decode large messages; without it every message is decoded here. */
  work?: WorkerPool;
}

/** Messages from this size on are decoded (and their links and codes found) on a worker thread. */
const WORKER_MIN_BYTES = 256 * 1024;
/** A decode still running after this is stopped; the view then shows what the stored summary knew. */
const DECODE_LIMIT_MS = 20_000;

/**
 * Decodes stored messages for the detail and attachment views, keeping recent results: a test
 * reads the same message several times (view, then attachment, then assertions), and decoding
 * is the expensive part. Concurrent reads of one message share a single decode.
 */
export class ParsedMessages {
  readonly #cache: LRUCache<string, Promise<ParsedEntry>>;
  readonly #work: WorkerPool | undefined;

  constructor(
    private readonly store: MailStore,
    options: ParsedMessagesOptions = {},
  ) {
    // Bounded by entry count and by the summed message sizes, so a few huge messages cannot pin much memory.
    this.#cache = new LRUCache({
      max: options.maxEntries ?? 256,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
    });
    this.#work = options.work;
  }

  get(run: Run, msg: StoredMessage): Promise<ParsedEntry> {
    // Run ids (and so message ids) repeat once a run is deleted and created again, possibly within
    // the same millisecond; its token does not (192 random bits), and only the token's holder
    // reads through this cache. A message's bytes never change under its id.
    const key = `${run.id}\n${run.token}\n${run.createdAt.getTime()}\n${msg.id}\n${msg.size}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const pending = this.#decode(run, msg);
    this.#cache.set(key, pending, { size: Math.max(1, msg.size) });
    pending.catch(() => this.#cache.delete(key));
    return pending;
  }

  async #decode(run: Run, msg: StoredMessage): Promise<ParsedEntry> {
    const raw = await this.store.getRaw(run.id, msg.id);
    if (!raw) throw new SandmailError("message_not_found", `message ${msg.id} not found`);
    try {
      if (this.#work && raw.length >= WORKER_MIN_BYTES) return { parsed: await decodeAside(this.#work, raw) };
      return { parsed: await parseMessage(raw) };
    } catch (err) {
      return { parsed: summaryOnly(msg), error: err instanceof Error ? err.message : String(err) };
    }
  }
}

/** Decodes on a worker thread and keeps its links and codes, found there too, with the result. */
async function decodeAside(work: WorkerPool, raw: Buffer): Promise<ParsedMessage> {
  // Large messages are stored on shared memory (the memory store): the thread reads them in place.
  const bytes = await sharedBytes(raw);
  const { parsed, content, utf8 } = await work.run("readMessage", bytes, { timeoutMs: DECODE_LIMIT_MS });
  keepUtf8Texts(parsed, utf8);
  // Bytes come back from a thread as plain Uint8Arrays.
  for (const attachment of parsed.attachments) {
    const c = attachment.content as Uint8Array;
    attachment.content = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
  contentMemo.set(parsed, content);
  return parsed;
}

/** What the stored summary knows of a message, as a decoded one with no headers, bodies or parts. */
export function summaryOnly(msg: StoredMessage): ParsedMessage {
  const { summary } = msg;
  return {
    headers: [],
    subject: summary.subject,
    from: summary.from,
    to: summary.to,
    cc: summary.cc,
    bcc: [],
    replyTo: [],
    references: [],
    attachments: [],
    ...(summary.date ? { date: summary.date } : {}),
    ...(summary.messageId ? { messageId: summary.messageId } : {}),
  };
}

// Keyed by the decoded message object, which the ParsedMessages cache holds: the extraction lives
// exactly as long as the parse it came from, and every view of that parse (detail, wait answers,
// assertions) shares it without having to pass it around.
const contentMemo = new WeakMap<ParsedMessage, MessageContent>();

/** Links and codes of a decoded message, computed once per decoded message. */
export function messageContent(parsed: ParsedMessage): MessageContent {
  let content = contentMemo.get(parsed);
  if (!content) {
    content = extractContent(parsed);
    contentMemo.set(parsed, content);
  }
  return content;
}
