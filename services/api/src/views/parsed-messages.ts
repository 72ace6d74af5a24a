import { type Run, SandmailError, type StoredMessage } from "@sandmail/core";
import {
  type ExtractedCode,
  type ExtractedLink,
  type ExtractInput,
  extractCodes,
  extractLinks,
  type ParsedMessage,
  parseMessage,
} from "@sandmail/mime";
import type { MailStore } from "@sandmail/store";
import { Lru } from "../support/lru.js";

export interface ParsedEntry {
  parsed: ParsedMessage;
  /** Why decoding failed, when it did; `parsed` then holds only what the stored summary knew. */
  error?: string;
}

export interface ParsedMessagesOptions {
  maxEntries?: number;
  /** Bound on the summed raw sizes of cached messages. */
  maxBytes?: number;
}

/**
 * Decodes stored messages for the detail and attachment views, keeping recent results: a test
 * reads the same message several times (view, then attachment, then assertions), and decoding
 * is the expensive part. Concurrent reads of one message share a single decode.
 */
export class ParsedMessages {
  readonly #cache: Lru<string, Promise<ParsedEntry>>;

  constructor(
    private readonly store: MailStore,
    options: ParsedMessagesOptions = {},
  ) {
    this.#cache = new Lru(options.maxEntries ?? 256, options.maxBytes ?? 64 * 1024 * 1024);
  }

  get(run: Run, msg: StoredMessage): Promise<ParsedEntry> {
    // Run ids (and so message ids) repeat once a run is deleted and created again, possibly within
    // the same millisecond; its token does not (192 random bits), and only the token's holder
    // reads through this cache. A message's bytes never change under its id.
    const key = `${run.id}\n${run.token}\n${run.createdAt.getTime()}\n${msg.id}\n${msg.size}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const pending = this.#decode(run, msg);
    this.#cache.set(key, pending, msg.size);
    pending.catch(() => this.#cache.delete(key));
    return pending;
  }

  async #decode(run: Run, msg: StoredMessage): Promise<ParsedEntry> {
    const raw = await this.store.getRaw(run.id, msg.id);
    if (!raw) throw new SandmailError("message_not_found", `message ${msg.id} not found`);
    try {
      return { parsed: await parseMessage(raw) };
    } catch (err) {
      return { parsed: fromSummary(msg), error: err instanceof Error ? err.message : String(err) };
    }
  }
}

function fromSummary(msg: StoredMessage): ParsedMessage {
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

/** What extraction finds in a message's readable parts. */
export interface MessageContent {
  links: ExtractedLink[];
  codes: ExtractedCode[];
}

/** The parts extraction reads; `text` is only the message's own text/plain (parseMessage never renders HTML into it). */
export function extractInput(parsed: ParsedMessage): ExtractInput {
  const input: ExtractInput = {};
  if (parsed.subject) input.subject = parsed.subject;
  if (parsed.text) input.text = parsed.text;
  if (parsed.html) input.html = parsed.html;
  return input;
}

// Keyed by the decoded message object, which the ParsedMessages cache holds: the extraction lives
// exactly as long as the parse it came from, and every view of that parse (detail, wait answers,
// assertions) shares it without having to pass it around.
const contentMemo = new WeakMap<ParsedMessage, MessageContent>();

/** Links and codes of a decoded message, computed once per decoded message. */
export function messageContent(parsed: ParsedMessage): MessageContent {
  let content = contentMemo.get(parsed);
  if (!content) {
    const input = extractInput(parsed);
    content = { links: extractLinks(input), codes: extractCodes(input) };
    contentMemo.set(parsed, content);
  }
  return content;
}
