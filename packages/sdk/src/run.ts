import "./dispose.js";
import { type RunContext, runPath } from "./context.js";
import { type Criteria, criteriaJson, criteriaQuery } from "./criteria.js";
import { NotFoundError } from "./errors.js";
import { RunFaults } from "./faults.js";
import type { HttpClient } from "./http.js";
import { Message } from "./message.js";
import { randomLocalPart } from "./random.js";
import { RunSessions } from "./sessions.js";
import type {
  CreatedRunData,
  DnsRecord,
  ImapSettings,
  Inbox,
  MessageData,
  MessageSummaryData,
  RunInfo,
  RunLimits,
  SmtpSettingsData,
} from "./types.js";
import { RunWebhooks } from "./webhooks.js";

/** The server's default wait timeout; the SDK's retries never start past it. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

export interface WaitOptions {
  /** How long the server waits, in ms (server default 10,000, capped by its configuration). */
  timeout?: number;
  /**
   * Only mail with a larger sequence number. Default: the run's cursor, i.e. after the last
   * message a wait of this Run object returned. Pass 0 to look at every message of the run.
   */
  after?: number;
  /** Abandons the wait (the server releases it at once). */
  signal?: AbortSignal;
}

/** nodemailer's `createTransport(options)` argument, ready to use. */
export interface NodemailerOptions {
  host: string;
  port: number;
  secure: false;
  auth: { user: string; pass: string };
  /** sandmail's certificate is self-signed. */
  tls: { rejectUnauthorized: false };
}

export interface SmtpSettings extends SmtpSettingsData {
  /** Hand to `nodemailer.createTransport(...)`: the plain port with STARTTLS, authenticated as the run. */
  nodemailer: NodemailerOptions;
  /** `smtp://user:password@host:port`, for apps configured by URL. */
  url: string;
}

export type MessageSummary = MessageSummaryData;

interface RunFields {
  id: string;
  token: string;
  domain: string;
  label?: string | undefined;
  createdAt: string;
  expiresAt: string;
  limits: RunLimits;
  smtp?: SmtpSettingsData | undefined;
  imap?: ImapSettings | undefined;
  uiUrl?: string | undefined;
}

// Bounds run.messages(): a run holds a bounded number of messages, and so does one call.
const PAGE = 500;

/**
 * One isolated run: its addresses, its mail, and the waits that read it. Dispose of it with
 * `await using` or `await run.delete()`.
 */
export class Run {
  readonly id: string;
  readonly token: string;
  /** Any address at this domain is delivered into the run. */
  readonly domain: string;
  readonly label: string | undefined;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly limits: RunLimits;
  /** SMTP settings; known for runs made by createRun, not for runs attached by id. */
  readonly smtp: SmtpSettings | undefined;
  /** IMAP settings, when the server runs IMAP. */
  readonly imap: ImapSettings | undefined;
  /** The run's page in the web UI (token in the URL fragment); known for runs made by createRun. */
  readonly uiUrl: string | undefined;
  /** SMTP fault injection for this run's mail: `run.faults.set([...])`, `.get()`, `.clear()`. */
  readonly faults: RunFaults;
  /** What the run's SMTP, IMAP and POP3 sessions said: `list()`, `get(id)`, `text(id)`. */
  readonly sessions: RunSessions;
  /** Signed callbacks of the run's events: `create(url)`, `list()`, `delete(id)`, `deliveries(id)`, `retry(id, delivery)`. */
  readonly webhooks: RunWebhooks;
  #cursor = 0;
  readonly #ctx: RunContext;

  constructor(http: HttpClient, fields: RunFields) {
    this.#ctx = { http, runId: fields.id, token: fields.token };
    this.id = fields.id;
    this.token = fields.token;
    this.domain = fields.domain;
    this.label = fields.label;
    this.createdAt = new Date(fields.createdAt);
    this.expiresAt = new Date(fields.expiresAt);
    this.limits = fields.limits;
    this.smtp = fields.smtp ? smtpSettings(fields.smtp) : undefined;
    this.imap = fields.imap;
    this.uiUrl = fields.uiUrl;
    this.faults = new RunFaults(this.#ctx);
    this.sessions = new RunSessions(this.#ctx);
    this.webhooks = new RunWebhooks(this.#ctx);
  }

  /** The sequence number waits start after: the last message a wait returned (0 at first). */
  get cursor(): number {
    return this.#cursor;
  }

  /** `local@<run domain>`; a random local part (`user-k3x9q2m7za`) when none is given. */
  address(local?: string): string {
    return `${local ?? randomLocalPart()}@${this.domain}`;
  }

  /** Run info with message, byte and inbox counts. */
  info(): Promise<RunInfo> {
    return this.#ctx.http.json<RunInfo>({ method: "GET", path: runPath(this.#ctx), token: this.token });
  }

  /** Addresses that received mail, with counts. */
  async inboxes(): Promise<Inbox[]> {
    const res = await this.#ctx.http.json<{ inboxes: Inbox[] }>({
      method: "GET",
      path: runPath(this.#ctx, "/inboxes"),
      token: this.token,
    });
    return res.inboxes;
  }

  /** The first message matching `criteria` after the cursor, waiting for it when none is there yet. */
  async waitForMessage(criteria: Criteria = {}, options: WaitOptions = {}): Promise<Message> {
    const [message] = await this.waitForMessages(criteria, 1, options);
    return message as Message;
  }

  /**
   * `count` messages matching `criteria` after the cursor, in arrival order. Rejects with a
   * WaitTimeoutError that says what arrived instead when they do not all come in time.
   */
  async waitForMessages(criteria: Criteria, count: number, options: WaitOptions = {}): Promise<Message[]> {
    const res = await this.#wait(criteria, { count }, options);
    // The server answers at most 64 MiB of messages whole; the rest are read here one by one.
    const messages: Message[] = [];
    for (const data of res.messages)
      messages.push(data.contentOmitted ? await this.message(data.id) : new Message(this.#ctx, data));
    const last = Math.max(res.cursor ?? 0, ...messages.map((m) => m.seq));
    if (last > this.#cursor) this.#cursor = last;
    return messages;
  }

  /**
   * Resolves when no message matching `criteria` arrives (after the cursor) within `ms`; rejects
   * with an UnexpectedMessageError naming the message when one does. Leaves the cursor alone.
   */
  async expectNoMessage(
    criteria: Criteria,
    ms: number,
    options: Omit<WaitOptions, "timeout"> = {},
  ): Promise<void> {
    await this.#wait(criteria, { expect: "none" }, { ...options, timeout: ms });
  }

  #wait(criteria: Criteria, extra: Record<string, unknown>, options: WaitOptions) {
    const timeout = options.timeout;
    const deadline = Date.now() + (timeout ?? DEFAULT_WAIT_TIMEOUT_MS);
    const body = {
      ...criteriaJson(criteria),
      after: options.after ?? this.#cursor,
      ...extra,
    };
    return this.#ctx.http.json<{ messages: MessageData[]; cursor?: number }>({
      method: "POST",
      path: runPath(this.#ctx, "/messages/wait"),
      token: this.token,
      // A retried wait asks only for the time that is left, so the caller's timeout holds.
      body: () => (timeout === undefined ? body : { ...body, timeout: Math.max(1, deadline - Date.now()) }),
      retryUntil: deadline,
      signal: options.signal,
    });
  }

  /**
   * Summaries of the run's messages matching `criteria` (the wait's criteria, filtered by the
   * server), newest first, every page of them up to `limit`.
   */
  async messages(criteria: Criteria = {}, options: { limit?: number } = {}): Promise<MessageSummary[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: MessageSummary[] = [];
    let cursor: number | undefined;
    do {
      const page = await this.#ctx.http.json<{ messages: MessageSummaryData[]; nextCursor?: number }>({
        method: "GET",
        path: runPath(this.#ctx, "/messages"),
        token: this.token,
        query: { ...criteriaQuery(criteria), limit: Math.min(PAGE, limit - out.length), cursor },
      });
      out.push(...page.messages.slice(0, limit - out.length));
      cursor = page.nextCursor;
    } while (cursor !== undefined && out.length < limit);
    return out;
  }

  /** One message in full. Rejects with NotFoundError for an unknown id. */
  async message(id: string): Promise<Message> {
    const data = await this.#ctx.http.json<MessageData>({
      method: "GET",
      path: runPath(this.#ctx, `/messages/${encodeURIComponent(id)}`),
      token: this.token,
    });
    return new Message(this.#ctx, data);
  }

  /**
   * Replaces the DNS records this run's SPF, DKIM, DMARC and ARC checks resolve against (mail
   * arriving afterwards is checked against them). Resolves with the records as stored.
   */
  async setDns(records: DnsRecord[]): Promise<DnsRecord[]> {
    const res = await this.#ctx.http.json<{ records: DnsRecord[] }>({
      method: "PUT",
      path: runPath(this.#ctx, "/dns"),
      token: this.token,
      body: { records },
    });
    return res.records;
  }

  /** The run's DNS records. */
  async dns(): Promise<DnsRecord[]> {
    const res = await this.#ctx.http.json<{ records: DnsRecord[] }>({
      method: "GET",
      path: runPath(this.#ctx, "/dns"),
      token: this.token,
    });
    return res.records;
  }

  /** Deletes the run and all its mail. A run that is already gone (deleted, expired) is not an error. */
  async delete(): Promise<void> {
    try {
      await this.#ctx.http.empty({ method: "DELETE", path: runPath(this.#ctx), token: this.token });
    } catch (err) {
      if (!(err instanceof NotFoundError && err.code === "run_not_found")) throw err;
    }
  }

  /** `await using run = await sandmail.createRun()` deletes the run at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.delete();
  }
}

/** A run made by `createRun`: its SMTP settings are known. */
export type CreatedRun = Run & { readonly smtp: SmtpSettings };

export function runFromCreated(http: HttpClient, data: CreatedRunData): CreatedRun {
  return new Run(http, data) as CreatedRun;
}

function smtpSettings(data: SmtpSettingsData): SmtpSettings {
  return {
    ...data,
    nodemailer: {
      host: data.host,
      port: data.port,
      secure: false,
      auth: { user: data.username, pass: data.password },
      tls: { rejectUnauthorized: false },
    },
    url: `smtp://${encodeURIComponent(data.username)}:${encodeURIComponent(data.password)}@${data.host}:${data.port}`,
  };
}
