import { type Assertion, type AssertReport, assertionJson } from "./assertions.js";
import { MessageChecks } from "./checks.js";
import { type RunContext, runPath } from "./context.js";
import { AssertionFailedError, ExtractionError } from "./errors.js";
import type {
  Address,
  AttachmentInfo,
  AuthResults,
  Code,
  Envelope,
  Header,
  Link,
  MessageData,
  MessageSummaryData,
  PatternMatch,
} from "./types.js";

/** A received message with everything the server derived from it, and shortcuts for tests. */
export class Message {
  readonly id: string;
  /** Run-wide arrival sequence number: the cursor waits use. */
  readonly seq: number;
  readonly inbox: string;
  readonly mailbox: string;
  readonly uid: number;
  readonly subject: string;
  readonly from: Address | null;
  readonly to: Address[];
  readonly cc: Address[];
  readonly bcc: Address[];
  readonly replyTo: Address[];
  /** The Date header, when it parses. */
  readonly date: Date | undefined;
  readonly receivedAt: Date;
  readonly size: number;
  readonly messageId: string | undefined;
  readonly inReplyTo: string | undefined;
  readonly references: string[];
  /** Top-level header fields in order, unfolded, encoded-words decoded. */
  readonly headers: Header[];
  readonly text: string | undefined;
  readonly html: string | undefined;
  readonly attachments: AttachmentInfo[];
  /** Every URL of the HTML and text parts, deduplicated, in document order. */
  readonly links: Link[];
  /** Likely one-time codes, most likely first. */
  readonly codes: Code[];
  /** SPF, DKIM, DMARC and ARC results; null when the mail did not arrive over SMTP. */
  readonly auth: AuthResults | null;
  /** SMTP MAIL FROM / RCPT TO (BCC recipients show here), client address, HELO, TLS. */
  readonly envelope: Envelope | undefined;
  readonly parseError: string | undefined;
  /** IMAP flags as of the last read or change made through this object. */
  flags: string[];
  /** The server's checks of this message: `html()`, `links()`, `spam()`. */
  readonly checks: MessageChecks;
  readonly #ctx: RunContext;

  constructor(ctx: RunContext, data: MessageData) {
    this.#ctx = ctx;
    this.id = data.id;
    this.seq = data.seq;
    this.inbox = data.inbox;
    this.mailbox = data.mailbox;
    this.uid = data.uid;
    this.subject = data.subject;
    this.from = data.from;
    this.to = data.to;
    this.cc = data.cc;
    this.bcc = data.bcc ?? [];
    this.replyTo = data.replyTo ?? [];
    this.date = data.date ? new Date(data.date) : undefined;
    this.receivedAt = new Date(data.receivedAt);
    this.size = data.size;
    this.messageId = data.messageId;
    this.inReplyTo = data.inReplyTo;
    this.references = data.references ?? [];
    this.headers = data.headers ?? [];
    this.text = data.text;
    this.html = data.html;
    this.attachments = data.attachments ?? [];
    this.links = data.links ?? [];
    this.codes = data.codes ?? [];
    this.auth = data.auth ?? null;
    this.envelope = data.envelope;
    this.parseError = data.parseError;
    this.flags = [...data.flags];
    this.checks = new MessageChecks(ctx, data.id);
  }

  get seen(): boolean {
    return this.flags.includes("\\Seen");
  }

  get flagged(): boolean {
    return this.flags.includes("\\Flagged");
  }

  /**
   * The most likely one-time code (optionally the most likely one whose value matches `pattern`).
   * Throws an ExtractionError that shows what the message held instead when there is none.
   */
  code(pattern?: RegExp): string {
    const found = this.codes.find((c) => pattern === undefined || testOnce(pattern, c.value));
    if (found) return found.value;
    const seen = this.codes.length
      ? `codes found: ${this.codes.map((c) => c.value).join(", ")}`
      : "no code found";
    throw new ExtractionError(
      {
        code: "no_code",
        detail: `${this.#describe()} has no one-time code${pattern ? ` matching ${pattern}` : ""}`,
      },
      `${this.#describe()} has no one-time code${pattern ? ` matching ${pattern}` : ""} (${seen}).\n${this.#contents()}`,
    );
  }

  /**
   * The URL of the first link whose URL contains `pattern` (a string) or matches it (a RegExp); the
   * first link when no pattern is given. Throws an ExtractionError listing the links there were.
   */
  link(pattern?: string | RegExp): string {
    const found = this.links.find((l) => matchesLink(l, pattern));
    if (found) return found.url;
    const what =
      pattern === undefined
        ? "no link"
        : `no link ${typeof pattern === "string" ? `containing ${JSON.stringify(pattern)}` : `matching ${pattern}`}`;
    const list = this.links.length
      ? `links found:\n${this.links.map((l) => `  - ${l.url}${l.text ? ` (${JSON.stringify(l.text)})` : ""}`).join("\n")}`
      : "the message has no links";
    throw new ExtractionError(
      { code: "no_link", detail: `${this.#describe()} has ${what}` },
      `${this.#describe()} has ${what}; ${list}\n${this.#contents()}`,
    );
  }

  /** The first value of a header field (any case), or undefined. */
  header(name: string): string | undefined {
    return this.headerValues(name)[0];
  }

  /** Every value of a header field (any case), in order. */
  headerValues(name: string): string[] {
    const lower = name.toLowerCase();
    return this.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
  }

  /** The exact stored bytes (message/rfc822), trace headers sandmail prepended included. */
  raw(): Promise<Uint8Array> {
    return this.#ctx.http.bytes({ method: "GET", path: this.#path("/raw"), token: this.#ctx.token });
  }

  /** The decoded bytes of an attachment, by its `index` or its filename. */
  async attachment(which: number | string): Promise<Uint8Array> {
    const index =
      typeof which === "number" ? which : (this.attachments.find((a) => a.filename === which)?.index ?? -1);
    if (index < 0) {
      const names = this.attachments.map((a) => `${a.index}: ${a.filename ?? "(no name)"} ${a.contentType}`);
      throw new ExtractionError(
        {
          code: "no_attachment",
          detail: `${this.#describe()} has no attachment named ${JSON.stringify(which)}`,
        },
        `${this.#describe()} has no attachment named ${JSON.stringify(which)}; attachments: ${names.join("; ") || "none"}`,
      );
    }
    return this.#ctx.http.bytes({
      method: "GET",
      path: this.#path(`/attachments/${index}`),
      token: this.#ctx.token,
    });
  }

  /** Every match of a regular expression in the subject, the text part and the HTML markup. */
  async extract(pattern: RegExp | string): Promise<PatternMatch[]> {
    const text =
      pattern instanceof RegExp ? `/${pattern.source}/${pattern.flags.replace(/[gy]/g, "")}` : pattern;
    const res = await this.#ctx.http.json<{ matches: PatternMatch[] }>({
      method: "GET",
      path: this.#path("/extract"),
      token: this.#ctx.token,
      query: { pattern: text },
    });
    return res.matches;
  }

  /**
   * Checks assertions on the server. Resolves with the report when all pass; rejects with an
   * AssertionFailedError whose message lists each failure with the actual value otherwise.
   */
  async assert(assertions: Assertion[]): Promise<AssertReport> {
    const report = await this.#ctx.http.json<AssertReport>({
      method: "POST",
      path: this.#path("/assert"),
      token: this.#ctx.token,
      body: { assertions: assertions.map(assertionJson) },
    });
    if (!report.pass) throw new AssertionFailedError(this.#describe(), report.results);
    return report;
  }

  /** Sets (or with `false` clears) \Seen; IMAP clients see it at once. */
  markSeen(seen = true): Promise<void> {
    return this.#patch({ seen });
  }

  markUnseen(): Promise<void> {
    return this.#patch({ seen: false });
  }

  /** Sets (or with `false` clears) \Flagged. */
  flag(flagged = true): Promise<void> {
    return this.#patch({ flagged });
  }

  unflag(): Promise<void> {
    return this.#patch({ flagged: false });
  }

  /** Adds and removes flags or keywords (`$Label1`, `\\Answered`, ...). */
  updateFlags(change: { add?: string[]; remove?: string[] }): Promise<void> {
    return this.#patch({
      ...(change.add ? { addFlags: change.add } : {}),
      ...(change.remove ? { removeFlags: change.remove } : {}),
    });
  }

  /** Deletes the message for good (IMAP clients see it expunged). */
  delete(): Promise<void> {
    return this.#ctx.http.empty({ method: "DELETE", path: this.#path(), token: this.#ctx.token });
  }

  async #patch(body: Record<string, unknown>): Promise<void> {
    const summary = await this.#ctx.http.json<MessageSummaryData>({
      method: "PATCH",
      path: this.#path(),
      token: this.#ctx.token,
      body,
    });
    this.flags = [...summary.flags];
  }

  #path(suffix = ""): string {
    return runPath(this.#ctx, `/messages/${encodeURIComponent(this.id)}${suffix}`);
  }

  #describe(): string {
    return `message ${JSON.stringify(this.subject)} (id ${this.id}, to ${this.inbox})`;
  }

  // What a reader of a failing CI log needs to see why extraction found nothing.
  #contents(): string {
    const body = this.text ?? (this.html ? this.html.replace(/<[^>]*>/g, " ") : "");
    const flat = body.replace(/\s+/g, " ").trim();
    return `Its text: ${flat ? JSON.stringify(flat.length > 400 ? `${flat.slice(0, 400)}…` : flat) : "(empty)"}`;
  }
}

function testOnce(pattern: RegExp, value: string): boolean {
  // A g or y RegExp remembers lastIndex between calls; a fresh copy keeps each test independent.
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")).test(value);
}

function matchesLink(link: Link, pattern: string | RegExp | undefined): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === "string") return link.url.includes(pattern);
  return testOnce(pattern, link.url);
}
